-- 电子证照库: licences the city issues on approval and those other issuers share with it (e.g. 公安's
-- 居民身份证), each signed SM2/SM3 by its issuer's key; and 材料库: files applicants hand in once and reuse.

-- The issuer keys (SM2). A rotation adds a key and retires the old one, which still verifies what it signed.
create table licence_key (
  id           text primary key,
  algorithm    text not null check (algorithm = 'SM2-SM3'),
  private_key  bytea not null,              -- the SM2 scalar d (32 bytes)
  public_key   bytea not null,              -- the uncompressed point (65 bytes)
  created_at   timestamptz not null default now(),
  retired_at   timestamptz
);
-- At most one key signs at a time.
create unique index licence_key_active_idx on licence_key ((true)) where retired_at is null;

create sequence licence_serial_seq;

create table licence (
  identifier        text primary key,            -- 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>
  type_code         text not null,
  type_name         text not null,
  name              text not null,
  number            text not null,               -- 证照编号, as printed
  holder_name       text not null,
  holder_code       text not null,
  holder_code_type  text not null check (holder_code_type in ('111', '001')),
  issuer_name       text not null,
  issuer_code       text not null,
  department_code   text references department (code),
  issue_date        date not null,
  jurisdiction      text not null,
  valid_from        date not null,
  valid_until       date,                        -- null: 长期有效
  surface           jsonb not null default '{}'::jsonb check (jsonb_typeof(surface) = 'object'),
  application_number text unique,                -- the case it was issued for; one licence per case
  key_id            text not null references licence_key (id),
  signature         bytea not null,
  status            text not null default 'ACTIVE' check (status in ('ACTIVE', 'REVOKED')),
  revoked_at        timestamptz,
  revoked_by        text,
  revocation_reason text,
  created_at        timestamptz not null default now()
);
create index licence_holder_idx on licence (holder_code, type_name, issue_date desc);

-- Uploaded materials. The content lives in PostgreSQL with the case, so it has the case's durability.
create table material_file (
  id            uuid primary key default gen_random_uuid(),
  owner_id_number text not null,                 -- whose material it is (the applicant)
  kind          text not null,                   -- the material code it was handed in as, e.g. bank-card
  file_name     text not null,
  media_type    text not null,
  size_bytes    int not null check (size_bytes > 0),
  sha256        text not null,
  content       bytea not null,
  uploaded_by   text not null,
  uploaded_at   timestamptz not null default now(),
  valid_until   date not null
);
create index material_file_owner_idx on material_file (owner_id_number, kind, uploaded_at desc);

-- What satisfied each material of a case: a licence from the library (免提交) or an uploaded file.
create table case_material (
  application_id     bigint not null references application (id),
  material_code      text not null,
  source             text not null check (source in ('LICENCE', 'UPLOAD', 'REUSED')),
  licence_identifier text references licence (identifier),
  material_id        uuid references material_file (id),
  attached_at        timestamptz not null default now(),
  primary key (application_id, material_code),
  check ((source = 'LICENCE') = (licence_identifier is not null)),
  check ((source <> 'LICENCE') = (material_id is not null))
);
create index case_material_file_idx on case_material (material_id);
