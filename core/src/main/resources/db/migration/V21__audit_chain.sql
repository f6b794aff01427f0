-- Tamper-evident audit: one global hash chain over audit_event, built after commit by a sealer.
-- Inserts stay as they are (no lock in the request path); the sealer appends committed events to the
-- chain in batches, giving each a gapless chain position and
--   chain_hash = SHA-256(canonical JSON of the event's immutable columns, its position and the previous hash).
alter table audit_event
  add column chain_seq  bigint unique,
  add column chain_hash text,
  add constraint audit_event_sealed_check check ((chain_seq is null) = (chain_hash is null));

-- Events still waiting for the sealer.
create index audit_event_unsealed_idx on audit_event (id) where chain_seq is null;

-- The end of the chain: one row, locked by the node that seals (FOR UPDATE SKIP LOCKED), so nodes never
-- both append. Position 0 is the genesis, with a hash of 64 zeros.
create table audit_chain_head (
  singleton  boolean primary key default true check (singleton),
  last_seq   bigint not null,
  last_hash  text not null,
  sealed_at  timestamptz
);
insert into audit_chain_head (last_seq, last_hash) values (0, repeat('0', 64));
