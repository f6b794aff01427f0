-- Tongban schema, first version. Everything that must not be lost lives here.

create table department (
  code        text primary key check (code ~ '^[a-z][a-z0-9_-]{0,31}$'),
  name        text not null,
  created_at  timestamptz not null default now()
);

-- 大厅 / 便民服务中心 / 便民服务站: the city's service points (city → township/street → village/community).
create table hall (
  code        text primary key,
  name        text not null,
  level       text not null check (level in ('CITY', 'TOWNSHIP', 'VILLAGE')),
  parent_code text references hall (code),
  created_at  timestamptz not null default now()
);

create table account (
  id              uuid primary key default gen_random_uuid(),
  username        text not null unique,
  password_hash   text not null,
  kind            text not null check (kind in ('CITIZEN', 'STAFF')),
  display_name    text not null,
  roles           text[] not null default '{}',
  department_code text references department (code),
  hall_code       text references hall (code),
  id_number       text unique,
  phone           text,
  disabled        boolean not null default false,
  created_at      timestamptz not null default now()
);

-- Third-party channels (portals, mini-program back ends, kiosks) that use client credentials.
create table api_client (
  client_id    text primary key,
  secret_hash  text not null,
  name         text not null,
  channels     text[] not null,
  disabled     boolean not null default false,
  created_at   timestamptz not null default now()
);

-- Keys that sign access tokens, shared by every node; generated on first start.
create table signing_key (
  id           text primary key,
  algorithm    text not null,
  private_pem  text not null,
  public_pem   text not null,
  created_at   timestamptz not null default now()
);

-- 事项: the catalogue entry. The full national-standard document is kept as JSON; the columns are
-- what the catalogue is searched and filtered by.
create table matter (
  code            text primary key check (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'),
  name            text not null,
  type            text not null,
  department_code text not null references department (code),
  levels          int[] not null,
  same_city       boolean not null,
  star_level      int not null check (star_level between 1 and 5),
  promised_days   numeric(5, 1) not null,
  legal_days      numeric(5, 1) not null,
  sort_order      int not null default 0,
  document        jsonb not null,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);
create index matter_department_idx on matter (department_code);

create table form_version (
  matter_code   text not null references matter (code),
  version       int not null check (version > 0),
  status        text not null check (status in ('DRAFT', 'PUBLISHED', 'RETIRED')),
  schema        jsonb not null,
  ui_schema     jsonb not null,
  handlers      jsonb not null default '[]',
  created_at    timestamptz not null default now(),
  published_at  timestamptz,
  primary key (matter_code, version)
);
-- One published version per matter at a time.
create unique index form_version_one_published on form_version (matter_code) where status = 'PUBLISHED';

create sequence application_number_seq;

-- 办件: a case, pinned forever to the form version it was submitted against.
create table application (
  id                   bigint generated always as identity primary key,
  number               text not null unique,
  matter_code          text not null,
  form_version         int not null,
  status               text not null,
  channel              text not null check (channel in ('WINDOW', 'WEB', 'MINI_PROGRAM', 'KIOSK', 'HOTLINE')),
  hall_code            text references hall (code),
  department_code      text not null references department (code),
  applicant            jsonb not null,
  applicant_id_number  text,
  data                 jsonb not null,
  query_code           text not null,
  submitted_by         text not null,
  idempotency_key      text,
  request_hash         text,
  version              int not null default 0,
  submitted_at         timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  foreign key (matter_code, form_version) references form_version (matter_code, version),
  -- NULL keys never collide: only keyed submissions are de-duplicated.
  unique (submitted_by, idempotency_key)
);
create index application_applicant_idx on application (applicant_id_number, id);
create index application_department_idx on application (department_code, id);
create index application_hall_idx on application (hall_code, id);
create index application_submitted_by_idx on application (submitted_by, id);

create table audit_event (
  id           bigint generated always as identity primary key,
  occurred_at  timestamptz not null default now(),
  actor        text not null,
  action       text not null,
  entity_type  text not null,
  entity_id    text not null,
  detail       jsonb not null default '{}'
);
create index audit_event_entity_idx on audit_event (entity_type, entity_id, id);

-- Events written in the same transaction as the change they describe; a relay delivers them after commit.
create table outbox_event (
  id              uuid primary key default gen_random_uuid(),
  seq             bigint generated always as identity unique,
  aggregate_type  text not null,
  aggregate_id    text not null,
  event_type      text not null,
  payload         jsonb not null,
  status          text not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'DEAD')),
  attempts        int not null default 0,
  next_attempt_at timestamptz not null default now(),
  created_at      timestamptz not null default now()
);
create index outbox_event_pending_idx on outbox_event (next_attempt_at, seq) where status = 'PENDING';
