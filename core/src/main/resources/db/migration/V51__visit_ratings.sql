-- 好差评 of hall visits (docs/ratings.md): a rating is of a case or of a visit (a queue ticket served at a
-- window), once; it records the window and the member of staff who served, for the figures per window and
-- staff. The free-text comment is sealed from now on (RatingStore.SEALED; the start-up rewrap seals older ones).
alter table rating alter column application_id drop not null;
alter table rating alter column number drop not null;
alter table rating alter column department_code drop not null;
alter table rating alter column matter_code drop not null;
alter table rating add column visit_id uuid unique references hall_ticket (id);
alter table rating add column visit_day date;
alter table rating add column visit_number text;
alter table rating add column window_code text;
alter table rating add column staff text;
alter table rating add constraint rating_of_one check (num_nonnulls(application_id, visit_id) = 1);
create index rating_staff_idx on rating (staff, rated_at) where staff is not null;

-- The default-rating job looks at delivered cases (and served visits) whose window closed lately; without
-- these it read every delivered case on every pass.
create index application_delivered_idx on application (updated_at, id) where status = 'DELIVERED';
create index hall_ticket_served_idx on hall_ticket (finished_at, id) where status = 'SERVED';
-- The window a case was taken in at is the window of the visit that produced it.
create index hall_ticket_application_idx on hall_ticket (application_number) where application_number is not null;

-- Comments stored in clear before this migration are sealed by the next start (Rewrap.legacy).
insert into personal_data_legacy values (true) on conflict do nothing;
