-- The audit chain becomes append-only (issue 30): an audit event is written once, by the transaction that
-- records it, and never updated. The chain lives in rows the sealer appends to audit_seal, one per sealing
-- pass, each listing the events it covers in chain order with their link hashes
--   hash = SHA-256(canonical JSON of the event's immutable columns, its position and the previous hash),
-- unchanged from V21; an event's position is its seal's first_seq plus its index in the seal.
--
-- Finding what is not sealed yet needs no per-event flag: every event carries the id of the transaction that
-- wrote it (a default, so no INSERT names it), and the sealer takes, in (tx, id) order after the head's
-- cursor, the events whose transaction is older than the oldest one still running: those are final, no
-- event can appear behind them later.

alter table audit_event add column tx xid8;
alter table audit_event alter column tx set default pg_current_xact_id();
-- Only events sealed before this migration lack it (their chain is converted below); NOT VALID checks new
-- and updated rows without scanning the old ones.
alter table audit_event add constraint audit_event_tx_check check (tx is not null) not valid;
-- Events the old sealer had not reached yet: sealed by the new one once this migration commits.
update audit_event set tx = pg_current_xact_id() where chain_seq is null;

create table audit_seal (
  first_seq  bigint primary key,   -- the chain position of event_ids[1]
  event_ids  bigint[] not null,    -- the events covered, in chain order
  hashes     text[] not null,      -- their link hashes, in the same order
  prev_hash  text not null,        -- the hash before the first link (the previous seal's hash)
  hash       text not null,        -- the last link's hash
  sealed_at  timestamptz not null default now()
);

-- The existing chain, converted: blocks of at most 1,000 consecutive positions. A gap in the old positions (a
-- deleted event) stays a gap between seals, so the check still reports it as missing where it was.
insert into audit_seal (first_seq, event_ids, hashes, prev_hash, hash)
select min(chain_seq), array_agg(id order by chain_seq), array_agg(chain_hash order by chain_seq), '',
       (array_agg(chain_hash order by chain_seq desc))[1]
  from (select id, chain_seq, chain_hash, chain_seq - row_number() over (order by chain_seq) as island
          from audit_event where chain_seq is not null) e
 group by island, (chain_seq - 1) / 1000;
update audit_seal s
   set prev_hash = coalesce((select p.hash from audit_seal p
                              where p.first_seq + cardinality(p.event_ids) = s.first_seq), repeat('0', 64));

alter table audit_event drop constraint audit_event_sealed_check;
drop index audit_event_unsealed_idx;
alter table audit_event drop column chain_seq, drop column chain_hash;

-- The sealer's cursor order; it replaces the unsealed partial index and chain_seq's unique index.
create index audit_event_tx_idx on audit_event (tx, id);

-- The chain head also records the last sealed event's (tx, id): the sealer's cursor.
alter table audit_chain_head
  add column last_tx xid8 not null default '0',
  add column last_id bigint not null default 0;
