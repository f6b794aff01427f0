-- Real issuers: each department's 统一社会信用代码 (GB 32100, its check character checked by the service),
-- the issuer code of the e-licences it signs. Demo departments carry well-formed codes marked as demo.
alter table department add column credit_code text
  check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$');
alter table department add column credit_code_demo boolean not null default false;
create unique index department_credit_code_idx on department (credit_code) where credit_code is not null;
