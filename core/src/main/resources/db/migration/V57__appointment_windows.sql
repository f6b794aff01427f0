-- Appointment slots per hall, matter AND window: each window that serves a matter offers its own slots, in its
-- own hours, with its own places (slot_capacity; null: the hall's places per slot). Slot rows made before this
-- (window_code null) stay valid for the bookings that hold them; a hall with no window serving a matter keeps
-- hall-wide slots (window_code null).
alter table hall_window add column slot_capacity int check (slot_capacity between 1 and 1000);

alter table appointment add column window_code text;

alter table appointment_slot add column window_code text;
alter table appointment_slot drop constraint appointment_slot_pkey;
create unique index appointment_slot_key on appointment_slot (hall_code, matter_code, coalesce(window_code, ''), starts_at);

-- The window a booked number prefers to be called to: its booking's.
alter table hall_ticket add column booked_window text;
