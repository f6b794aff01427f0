-- Issue 31: a file in a person's library is reused in their later cases only when they uploaded it
-- themselves; a file staff uploaded for them belongs to the case it was uploaded for.
alter table material_file add column by_owner boolean not null default false;
update material_file f set by_owner = true
  where exists (select 1 from account a where f.uploaded_by = 'account:' || a.id::text and a.kind = 'CITIZEN');
