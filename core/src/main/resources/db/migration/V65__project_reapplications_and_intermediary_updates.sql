-- 工程建设项目: a stage refused in part is applied for again for its refused matters (docs/projects.md). Each
-- re-application is an attempt of the stage (the first application is attempt 1, kept in project_stage); its
-- cases are linked with their attempt, so the stage keeps every case and its timeline shows both attempts.
create table project_stage_attempt (
  project_id       uuid not null,
  stage            text not null,
  attempt          int not null check (attempt >= 2),
  positions        int[] not null,              -- the stage definition's matters applied for again
  submitted_by     text not null,
  idempotency_key  text not null,
  request_hash     text not null,
  applied_at       timestamptz not null,
  completed_at     timestamptz,                 -- set when every case of the attempt is linked
  primary key (project_id, stage, attempt),
  unique (submitted_by, idempotency_key),
  foreign key (project_id, stage) references project_stage (project_id, stage)
);

alter table project_stage_case add column attempt int not null default 1;
alter table project_stage_case drop constraint project_stage_case_pkey;
alter table project_stage_case add primary key (project_id, stage, attempt, position);

alter table project_event drop constraint project_event_kind_check;
alter table project_event add constraint project_event_kind_check check (kind in ('REGISTERED', 'OFFICER_ASSIGNED',
  'STAGE_APPLIED', 'STAGE_REAPPLIED', 'CONTACT', 'COORDINATION'));

-- 中介超市: an organisation's own data is edited and its qualifications renewed after registration
-- (docs/intermediaries.md); each change is audited, the row keeps when it last changed.
alter table intermediary add column updated_at timestamptz;
alter table intermediary_qualification add column renewed_at timestamptz;
