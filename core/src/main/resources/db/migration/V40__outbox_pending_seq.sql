-- The outbox relay claims the oldest due pending events (order by seq). With only an index on
-- (next_attempt_at, seq), the planner walked the unique seq index instead and stepped over every delivered
-- event first: each claim read the whole delivered history (36 ms with 11,000 delivered rows, growing with
-- the table). This index holds the pending events only, in the order the relay takes them.
create index outbox_event_pending_seq_idx on outbox_event (seq) where status = 'PENDING';

-- next_attempt_at is then indexed nowhere, so a claim (it moves next_attempt_at and attempts only) can be a
-- HOT update, and leaves no index entries behind; room on each page lets it stay on the page.
drop index outbox_event_pending_idx;
alter table outbox_event set (fillfactor = 80);
