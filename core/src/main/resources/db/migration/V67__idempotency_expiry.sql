-- Idempotency keys are kept for a retention (TONGBAN_IDEMPOTENCY_RETENTION_HOURS, default 24) and then
-- forgotten: the key and the request's hash are cleared, the case or application stays. The periodic pass finds
-- the due rows through these partial indexes (only rows still holding a key are in them, so they stay small)
-- and clears them in batches; no table is scanned.
create index application_idempotency_due on application (submitted_at) where idempotency_key is not null;
create index project_idempotency_due on project (created_at) where idempotency_key is not null;

-- A stage or life-event application is completed by retrying with its key: only completed ones are forgotten.
alter table project_stage alter column idempotency_key drop not null, alter column request_hash drop not null;
create index project_stage_idempotency_due on project_stage (applied_at)
  where idempotency_key is not null and completed_at is not null;
alter table life_event_application alter column idempotency_key drop not null,
  alter column request_hash drop not null;
create index life_event_application_idempotency_due on life_event_application (created_at)
  where idempotency_key is not null and completed_at is not null;
