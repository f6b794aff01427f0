-- 网上中介超市 (intermediary services market): the registry of intermediary organisations, their qualifications
-- (each covering services named as in the matters' `intermediaryServices`), the selections project owners make,
-- both sides' evaluations, and the blacklist's history. No personal data: organisations are legal persons
-- known by their unified social credit code. docs/intermediaries.md.
create table intermediary (
  id                bigserial primary key,
  credit_code       text not null unique,
  name              text not null,
  address           text,
  introduction      text,
  credit_score      int not null default 100 check (credit_score between 0 and 100),
  blacklisted       boolean not null default false,
  blacklisted_at    timestamptz,
  registered_by     text not null,
  registered_at     timestamptz not null default now()
);

create table intermediary_qualification (
  id              bigserial primary key,
  intermediary_id bigint not null references intermediary (id),
  name            text not null,
  certificate_no  text not null,
  level           text,
  issuer          text,
  valid_until     date not null,
  services        text[] not null check (cardinality(services) between 1 and 20)
);
create index intermediary_qualification_org_idx on intermediary_qualification (intermediary_id);
create index intermediary_qualification_services_idx on intermediary_qualification using gin (services);

-- One selection of one organisation for one service of a project. A draw keeps its seed and the ordered
-- candidates it drew from, so anyone can redo it; competitive quotes keep every quote.
create table intermediary_selection (
  id                 bigserial primary key,
  service            text not null,
  project_code       text not null,
  matter_code        text,
  owner_credit_code  text not null,
  owner_name         text not null,
  method             text not null check (method in ('DIRECT', 'DRAW', 'QUOTES')),
  seed               bigint,
  candidates         bigint[],
  quotes             jsonb,
  intermediary_id    bigint not null references intermediary (id),
  status             text not null default 'SELECTED' check (status in ('SELECTED', 'CONTRACTED', 'COMPLETED')),
  contract_no        text,
  contract_amount    numeric(14, 2),
  promised_on        date,
  completed_on       date,
  result             text,
  overdue            boolean not null default false,
  created_by         text not null,
  created_at         timestamptz not null default now(),
  check (method <> 'DRAW' or (seed is not null and candidates is not null))
);
create index intermediary_selection_org_idx on intermediary_selection (intermediary_id);
create index intermediary_selection_owner_idx on intermediary_selection (owner_credit_code, created_at desc);

-- OWNER: the project owner evaluates the organisation (feeds its credit score); INTERMEDIARY: the organisation
-- evaluates the owner (kept on record, shown with the selection).
create table intermediary_evaluation (
  id            bigserial primary key,
  selection_id  bigint not null references intermediary_selection (id),
  side          text not null check (side in ('OWNER', 'INTERMEDIARY')),
  grade         int not null check (grade between 1 and 5),
  comment       text,
  evaluated_by  text not null,
  evaluated_at  timestamptz not null default now(),
  unique (selection_id, side)
);

create table intermediary_blacklist_event (
  id              bigserial primary key,
  intermediary_id bigint not null references intermediary (id),
  action          text not null check (action in ('BLACKLIST', 'LIFT')),
  reason          text not null,
  automatic       boolean not null default false,
  decided_by      text not null,
  decided_at      timestamptz not null default now()
);
create index intermediary_blacklist_event_org_idx on intermediary_blacklist_event (intermediary_id, decided_at);
