-- The relay leases an event only when no earlier event of the same case is pending: that check looks up the
-- case's pending events here instead of walking every pending event (a backlog made it quadratic).
create index outbox_event_pending_aggregate_idx on outbox_event (aggregate_type, aggregate_id, seq)
  where status = 'PENDING';

-- Rows looked up by their uuid as text (accounts by a token's subject, outbox events by the id the relay
-- leased, enterprises by their people): without these, each lookup read the whole table.
create index account_id_text_idx on account ((id::text));
create index outbox_event_id_text_idx on outbox_event ((id::text));
create index enterprise_legal_rep_text_idx on enterprise ((legal_rep_account::text));
create index enterprise_agent_account_text_idx on enterprise_agent ((account_id::text));
