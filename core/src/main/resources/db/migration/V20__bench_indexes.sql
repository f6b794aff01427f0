-- The deadline scanner's candidates (DeadlineScanner.CANDIDATES): submitted cases near their correction-notice
-- deadline, and unverified commitments, found through small partial indexes instead of a full scan of every
-- case ever submitted. (Partial indexes on due_date / legal_due_date of accepted cases were tried too; the
-- planner does not pick them, because closed cases keep past due dates. See docs/performance.md.)
create index application_notice_due_idx on application (notice_due_date) where status = 'SUBMITTED';
create index application_commitments_idx on application (id) where commitments is not null;
