-- Issue 30, reads: every node keeps the public catalogue's reads (pages, a matter with its published form) and
-- drops them when told. A change of a matter, a department or a form version tells every node through
-- PostgreSQL's NOTIFY, sent at the commit of whatever transaction made it (cn.tongban.core.infra.Notices):
-- from the trigger, so no writer, present or future, can forget to.
create or replace function tongban_catalogue_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('tongban_catalogue', tg_table_name);
  return null;
end
$$;

create trigger matter_catalogue_changed after insert or update or delete or truncate on matter
  for each statement execute function tongban_catalogue_changed();
create trigger department_catalogue_changed after insert or update or delete or truncate on department
  for each statement execute function tongban_catalogue_changed();
create trigger form_version_catalogue_changed after insert or update or delete or truncate on form_version
  for each statement execute function tongban_catalogue_changed();
