-- The W3C trace context of the request that produced an event (issue 27): the relay hands it to the sinks,
-- which send it on, so a push to the exchange joins the trace of the submission that caused it. Null for
-- events of the periodic jobs. A nullable column without a default: no table rewrite.
alter table outbox_event add column traceparent text;
