-- The outbox relay claims a batch with one row here instead of an update of every event it delivers: an
-- event is then written once, when it is marked delivered (or fails). The events listed in a claim that has
-- not run out are no other node's to deliver; a claim that ran out (its node died) is deleted by the next
-- claim, which counts the lost try on each of its events still pending, and delivers them.
create table outbox_claim (
  id         bigint generated always as identity primary key,
  event_ids  uuid[] not null,
  claimed_at timestamptz not null default now(),
  expires_at timestamptz not null
);

-- seq is an identity column: unique without this index, which every event paid for twice (on insert, and on
-- the non-HOT update that marks it delivered). The relay and the administrators' list go by the partial
-- indexes on seq (pending, dead).
alter table outbox_event drop constraint if exists outbox_event_seq_key;
