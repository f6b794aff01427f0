-- Personal data at rest (issue 10): identity numbers, phones, addresses, form data and licence surfaces are
-- stored sealed (AES-256-GCM, text "ENC1:<key id>:…" or bytes "TBE1…", see PersonalData.java), never in plain.
-- Exact lookups and joins go through blind indexes (HMAC-SHA256 under TONGBAN_DATA_INDEX_KEY): the *_index
-- columns. Keys live in configuration, not here.
--
-- Rows written before this migration still hold plain values: each is copied into its sealed column (a value
-- without the ENC1 prefix reads as it is) and its index column briefly holds the plain value. The platform
-- seals and indexes them at its next start, before it answers requests (PersonalDataRewrap).

-- Which data keys have sealed something here, each with a probe sealed under it; and the blind-index key's
-- probe ('index'). A start with keys that do not open these probes is refused, so a wrong or missing key
-- never writes half the data under one key and half under another.
create table personal_data_key (
  key_id      text primary key,
  probe       text not null,
  created_at  timestamptz not null default now(),
  retired_at  timestamptz
);

-- While this row exists, the next start seals and indexes the rows stored before encryption (then deletes it):
-- a start after that does not scan the tables again.
create table personal_data_legacy (pending boolean primary key check (pending));
insert into personal_data_legacy values (true);

alter table account add column id_number_sealed text, add column phone_sealed text;
update account set id_number_sealed = id_number, phone_sealed = phone;
alter table account rename column id_number to id_number_index;
alter table account rename column phone to phone_index;

alter table application alter column applicant type text using applicant::text;
alter table application alter column data type text using data::text;
alter table application rename column applicant_id_number to applicant_id_index;

alter table licence add column holder_code_sealed text;
update licence set holder_code_sealed = holder_code;
alter table licence alter column holder_code_sealed set not null;
alter table licence rename column holder_code to holder_index;
alter table licence alter column surface drop default;
alter table licence drop constraint if exists licence_surface_check;
alter table licence alter column surface type text using surface::text;

alter table material_file add column owner_id_sealed text;
update material_file set owner_id_sealed = owner_id_number;
alter table material_file alter column owner_id_sealed set not null;
alter table material_file rename column owner_id_number to owner_index;

alter table agent_authorisation add column applicant_id_sealed text;
update agent_authorisation set applicant_id_sealed = applicant_id_number;
alter table agent_authorisation alter column applicant_id_sealed set not null;
alter table agent_authorisation rename column applicant_id_number to applicant_id_index;

alter table applicant_credit add column subject_sealed text;
update applicant_credit set subject_sealed = id_number;
alter table applicant_credit alter column subject_sealed set not null;
alter table applicant_credit rename column id_number to subject_index;

alter table shared_dataset_record add column subject_sealed text;
update shared_dataset_record set subject_sealed = subject_key;
alter table shared_dataset_record alter column subject_sealed set not null;
alter table shared_dataset_record rename column subject_key to subject_index;
alter table shared_dataset_record drop constraint if exists shared_dataset_record_record_check;
alter table shared_dataset_record alter column record type text using record::text;
