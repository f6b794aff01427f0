-- Every index on application costs every submission an index insert. Two were there twice:
-- V31's application_submitter_idx is V1's application_submitted_by_idx again, column for column; and
-- V5's application_credit_code_idx holds a null entry for every case of a person (most cases), where
-- V31's partial application_credit_idx serves the same look-ups by credit code and skips them.
drop index application_submitter_idx;
drop index application_credit_code_idx;
