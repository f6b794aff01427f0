-- 工程建设项目: construction projects registered by an enterprise, moving through the approval stages
-- (立项用地规划许可 → 工程建设许可 → 施工许可 → 竣工验收). A stage's application makes one case per bundled
-- matter from one combined form; the cases carry the parallel opinions, deemed consent, 容缺 and 告知承诺.
create table project (
  id               uuid primary key,
  code             text not null unique,        -- 投资项目代码, e.g. 2026-410183-59-03-004321
  name             text not null,
  type             text not null check (type in ('HOUSING', 'INDUSTRIAL', 'MUNICIPAL', 'TRANSPORT', 'WATER', 'OTHER')),
  investment       numeric(14, 2) not null,     -- 总投资, 万元
  township         text not null,
  site             text not null,
  credit_code      text not null,               -- the enterprise (统一社会信用代码)
  enterprise_name  text not null,
  key_project      boolean not null default false,
  officer_id       uuid references account (id), -- 跟踪跟办: the named officer of a key project
  officer_name     text,
  created_by       text not null,
  idempotency_key  text,
  request_hash     text,
  created_at       timestamptz not null,
  unique (created_by, idempotency_key)
);
create index project_credit_code_idx on project (credit_code, created_at desc);
create index project_officer_idx on project (officer_id) where officer_id is not null;

-- One row per stage applied for; the cases are linked by position (one per matter of the stage definition).
create table project_stage (
  id               bigint generated always as identity unique,
  project_id       uuid not null references project (id),
  stage            text not null,
  definition       jsonb not null,              -- the stage definition the application was made on
  submitted_by     text not null,
  idempotency_key  text not null,
  request_hash     text not null,
  applied_at       timestamptz not null,
  clock_start      date not null,
  due_date         date not null,               -- clock_start + the stage's limit in working days
  -- set when every case is linked; a stage without it is completed by retrying with its key
  completed_at     timestamptz,
  primary key (project_id, stage),
  unique (submitted_by, idempotency_key)
);

create table project_stage_case (
  project_id   uuid not null,
  stage        text not null,
  position     int not null,
  matter_code  text not null,
  case_number  text not null,
  primary key (project_id, stage, position),
  foreign key (project_id, stage) references project_stage (project_id, stage)
);
create index project_stage_case_number_idx on project_stage_case (case_number);

-- The project's own timeline: registration, the officer, stage applications, the officer's contacts with the
-- enterprise and coordination with departments. Case steps are read from the cases themselves.
create table project_event (
  id          bigint generated always as identity primary key,
  project_id  uuid not null references project (id),
  kind        text not null check (kind in ('REGISTERED', 'OFFICER_ASSIGNED', 'STAGE_APPLIED', 'CONTACT',
                                            'COORDINATION')),
  stage       text,
  department_code text references department (code),
  note        text,
  actor       text not null,
  actor_name  text,
  detail      jsonb not null default '{}',
  at          timestamptz not null
);
create index project_event_project_idx on project_event (project_id, id);

-- Stage limits warned about with the one rule (DeadlineWarnings): reminder, yellow and red card, each once.
create table project_stage_warning (
  id                bigint generated always as identity primary key,
  project_stage_id  bigint not null references project_stage (id),
  kind              text not null,
  level             text not null check (level in ('REMINDER', 'YELLOW', 'RED')),
  due_date          date not null,
  raised_at         timestamptz not null,
  unique (project_stage_id, kind, level, due_date)
);
