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

-- Issue 30, scale: the deadline scan read every case for its decision and statutory limits (a sequential scan
-- each, 0.3-0.9 s at a million cases). Indexes on the open cases' due dates alone, on the expression the scan
-- asks for (DeadlineStore.CANDIDATES): PostgreSQL gathers statistics of an index expression, so it estimates
-- the few open cases due rather than multiplying the status by the dates of closed cases, and uses them.
-- Partial: a submission (SUBMITTED) writes no entry; a case enters at acceptance and leaves when decided.
create index application_decision_due_idx on application
  ((case when status in ('ACCEPTED', 'IN_REVIEW') then due_date end)) where status in ('ACCEPTED', 'IN_REVIEW');
create index application_legal_due_idx on application
  ((case when status in ('ACCEPTED', 'IN_REVIEW') then legal_due_date end))
  where status in ('ACCEPTED', 'IN_REVIEW');
-- 容缺 cases (materials to follow) are few: the scan's deficiency arm reads them alone.
create index application_deficiency_idx on application (id) where deficiency is not null;
