-- The form builder's working draft: one per matter, saved as the author types. `revision` counts the saves;
-- a save names the revision it was based on, so the later of two concurrent saves is refused (409).
create table form_draft (
  matter_code  text primary key references matter (code),
  definition   jsonb not null,
  revision     int not null check (revision > 0),
  updated_by   text not null,
  updated_at   timestamptz not null default now()
);
