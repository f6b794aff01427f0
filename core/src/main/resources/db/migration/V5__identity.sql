-- 实名认证等级 (real-name verification level, L1 self-declared … L4 in person with biometrics), the
-- token epoch that revokes every earlier token when it moves (password change), phone logins.
alter table account add column real_name_level int not null default 1 check (real_name_level between 1 and 4);
alter table account add column token_epoch int not null default 0;
create unique index account_phone_idx on account (phone) where phone is not null;

-- 法人: enterprises by unified social credit code, their legal representative and authorised staff.
create table enterprise (
  credit_code        text primary key check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  name               text not null,
  legal_rep_account  uuid not null references account (id),
  created_at         timestamptz not null default now()
);
create table enterprise_agent (
  credit_code  text not null references enterprise (credit_code),
  account_id   uuid not null references account (id),
  granted_by   uuid not null references account (id),
  granted_at   timestamptz not null default now(),
  primary key (credit_code, account_id)
);

-- The enterprise a case is for, when an enterprise applies (its legal representative or authorised agents see it).
alter table application add column applicant_credit_code text;
create index application_credit_code_idx on application (applicant_credit_code, id);
