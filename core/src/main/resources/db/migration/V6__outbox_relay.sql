-- The relay's bookkeeping: why the last try failed, and when the event was delivered.
alter table outbox_event add column last_error text;
alter table outbox_event add column delivered_at timestamptz;
create index outbox_event_dead_idx on outbox_event (seq) where status = 'DEAD';
