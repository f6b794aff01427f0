-- Work queues (issue 9): a department's reviewers, the accepting department after a same-city forward and a
-- hall's clerks list their cases in one status, newest first, 50 a page, with a cursor. Along the
-- (department_code, id)-style indexes every case of the department down to the cursor was read and its
-- status checked (page 10 of the ACCEPTED queue: ~5,000 heap rows); with the status in the index a page
-- reads its 51 entries. The indexes without the status stay for lists of every status.
create index application_department_status_idx on application (department_code, status, id);
create index application_accepting_status_idx on application (accepting_department_code, status, id);
create index application_hall_status_idx on application (hall_code, status, id);
