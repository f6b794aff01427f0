-- Two outbox indexes nothing reads any more (issue 9), each written for every event: the per-case pending
-- index served the claim's old NOT EXISTS (the claim now walks the pending events in sequence order), and
-- the id::text index served updates by the id as text (they now compare uuids). Every submission's event
-- and every delivery wrote an entry into each.
drop index if exists outbox_event_pending_aggregate_idx;
drop index if exists outbox_event_id_text_idx;
