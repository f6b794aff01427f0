-- Issue 31 item 6: whoever claims to be an enterprise's legal representative is checked before the
-- enterprise account may act. A claim is verified at once against 市场监管's registration data when it
-- names the claimant as legal representative, else held for a window clerk who checks the business licence.
-- Only verified enterprises are in table enterprise (so every reader of it sees verified ones only).
create table enterprise_claim (
  id            uuid primary key default gen_random_uuid(),
  credit_code   text not null check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  name          text not null,
  account_id    uuid not null references account (id),
  status        text not null default 'PENDING' check (status in ('PENDING', 'VERIFIED', 'REFUSED')),
  decided_by    text,
  decided_at    timestamptz,
  reason        text,
  created_at    timestamptz not null default now()
);
create unique index enterprise_claim_one_pending on enterprise_claim (credit_code, account_id)
  where status = 'PENDING';
create index enterprise_claim_pending_idx on enterprise_claim (created_at) where status = 'PENDING';
create index enterprise_claim_account_idx on enterprise_claim (account_id);

alter table enterprise add column verified_by text;
alter table enterprise add column verified_at timestamptz;

-- Enterprises registered before were never checked: each becomes a pending claim of whoever registered it,
-- and its agents' authorisations end (the verified legal representative authorises again).
insert into enterprise_claim (credit_code, name, account_id, created_at)
  select credit_code, name, legal_rep_account, created_at from enterprise;
delete from enterprise_agent;
delete from enterprise;
