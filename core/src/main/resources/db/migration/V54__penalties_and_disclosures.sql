-- 行政处罚 / 行政强制 decisions recorded by departments, and the platform's own 双公示 listing.

create table penalty (
  id               bigint generated always as identity primary key,
  decision_number  text not null unique,            -- e.g. 新建罚决字〔2026〕12号
  kind             text not null check (kind in ('PENALTY', 'ENFORCEMENT')),
  party_kind       text not null check (party_kind in ('PERSON', 'ORGANISATION')),
  party_name       text not null,
  party_code_sealed text not null,                  -- identity number or credit code, sealed (PersonalData)
  facts            text not null,
  legal_basis      text not null,
  penalty_type     text not null,                   -- 警告, 罚款, 没收违法所得, 责令停产停业, 吊销许可证, 查封 …
  amount           numeric(14, 2),
  decision_date    date not null,
  department_code  text not null references department (code),
  status           text not null default 'IN_FORCE' check (status in ('IN_FORCE', 'REVOKED', 'CHANGED')),
  status_reason    text,
  recorded_by      text not null,
  recorded_at      timestamptz not null,
  updated_at       timestamptz not null
);
create index penalty_department_idx on penalty (department_code, id);

-- What the public listing shows: already masked when written (a person's name to its first character, no
-- identity number); an organisation's name and credit code are public.
create table disclosure (
  id               bigint generated always as identity primary key,
  kind             text not null check (kind in ('LICENSING', 'PENALTY')),
  source_ref       text not null,                   -- licence identifier or penalty id
  title            text not null,                   -- licence name, or the penalty type
  document_number  text not null,                   -- licence number, or decision number
  party_name       text not null,
  party_kind       text not null check (party_kind in ('PERSON', 'ORGANISATION')),
  credit_code      text,                            -- organisations only
  basis            text not null default '',
  content          text,                            -- a penalty's facts and measure
  amount           numeric(14, 2),
  department_code  text references department (code),
  application_number text,
  decision_date    date not null,
  due_date         date not null,                   -- 7 working days after the decision
  published_at     timestamptz not null,
  status           text not null default 'IN_FORCE' check (status in ('IN_FORCE', 'REVOKED', 'CHANGED')),
  status_reason    text,
  updated_at       timestamptz not null,
  unique (kind, source_ref)
);
create index disclosure_listing_idx on disclosure (decision_date desc, id desc);
create index disclosure_credit_idx on disclosure (credit_code);

-- A publication after its due date: one warning per disclosure (DeadlineWarnings' level on the publication day).
create table disclosure_warning (
  disclosure_id  bigint not null references disclosure (id),
  level          text not null,
  due_date       date not null,
  published_on   date not null,
  raised_at      timestamptz not null,
  primary key (disclosure_id, level)
);
