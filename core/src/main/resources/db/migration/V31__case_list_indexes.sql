-- Case lists read each way a caller may see a case (own submissions, as applicant, for an enterprise, by
-- department, by hall) as its own index-ordered branch, newest first; these indexes serve the branches
-- that had none.
create index application_submitter_idx on application (submitted_by, id);
create index application_credit_idx on application (applicant_credit_code, id) where applicant_credit_code is not null;
