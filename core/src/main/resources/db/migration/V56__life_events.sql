-- 一件事一次办: life events (bundles of matters behind one combined form), their versions, and the
-- applications made for them, each linking the cases it created (one per matter).
create table life_event (
  code         text primary key,
  name         text not null,
  version      int not null,
  sort_order   int not null,
  -- SHA-256 of the bundled definition this row was last imported from; null once authored or imported here
  bundled_hash text,
  updated_at   timestamptz not null default now()
);

create table life_event_version (
  code        text not null references life_event (code),
  version     int not null,
  document    jsonb not null,
  created_by  text not null,
  created_at  timestamptz not null default now(),
  primary key (code, version)
);

create table life_event_application (
  id               uuid primary key,
  life_event_code  text not null,
  life_event_version int not null,
  submitted_by     text not null,
  idempotency_key  text not null,
  request_hash     text not null,
  created_at       timestamptz not null,
  -- set when every case is linked; an application without it is completed by retrying with its key
  completed_at     timestamptz,
  foreign key (life_event_code, life_event_version) references life_event_version (code, version),
  unique (submitted_by, idempotency_key)
);
create index life_event_application_mine on life_event_application (submitted_by, created_at desc, id);

create table life_event_case (
  application_id uuid not null references life_event_application (id),
  position       int not null,
  matter_code    text not null,
  case_number    text not null,
  primary key (application_id, position)
);
create index life_event_case_number on life_event_case (case_number);
