-- 大厅服务, second part (docs/hall-services.md): door-to-door visits (上门服务), holiday service on request
-- (法定节假日订制), hours per window, the duty roster (六统一), and exactly one case per pre-registration.

-- A pre-registration is claimed (CONVERTING) by one clerk before the submission, so two clerks converting
-- it at once cannot both submit.
alter table pre_registration drop constraint pre_registration_status_check;
alter table pre_registration add constraint pre_registration_status_check
  check (status in ('OPEN', 'CONVERTING', 'CONVERTED', 'EXPIRED'));

-- A case taken in at the applicant's door.
alter table application drop constraint application_channel_check;
alter table application add constraint application_channel_check
  check (channel in ('WINDOW', 'WEB', 'MINI_PROGRAM', 'KIOSK', 'HOTLINE', 'HOME_VISIT'));

-- Hours of a window that differ from its hall's (same JSON as hall_hours.hours).
create table hall_window_hours (
  hall_code   text not null,
  window_code text not null,
  hours       jsonb not null,
  updated_at  timestamptz not null default now(),
  primary key (hall_code, window_code),
  foreign key (hall_code, window_code) references hall_window (hall_code, code)
);

-- 值班表: who is on duty at which window on a day.
create table hall_duty (
  hall_code   text not null,
  day         date not null,
  window_code text not null,
  username    text not null,
  staff_name  text not null,
  primary key (hall_code, day, window_code, username),
  foreign key (hall_code, window_code) references hall_window (hall_code, code)
);

-- 法定节假日订制: an applicant asks for a time on a day the hall is closed; the hall confirms or declines.
create sequence holiday_request_seq;
create table holiday_request (
  number         text primary key,
  hall_code      text not null references hall (code),
  matter_code    text not null references matter (code),
  day            date not null,
  time           text not null,
  account_id     uuid not null references account (id),
  applicant_name text not null,
  note           text,
  status         text not null check (status in ('REQUESTED', 'CONFIRMED', 'DECLINED', 'CANCELLED')),
  created_at     timestamptz not null,
  decided_at     timestamptz,
  decided_by     text,
  reason         text
);
create index holiday_request_hall on holiday_request (hall_code, day);
create index holiday_request_account on holiday_request (account_id);

-- 上门服务: requested by an eligible applicant, assigned by the hall, visited, taken in at the door.
create sequence home_visit_seq;
create table home_visit (
  id                 bigint generated always as identity primary key,
  number             text not null unique,
  hall_code          text not null references hall (code),
  matter_code        text not null references matter (code),
  account_id         uuid not null references account (id),
  contact            text not null,
  reason             text not null check (reason in ('AGE', 'DISABILITY', 'OTHER')),
  status             text not null check (status in ('REQUESTED', 'SCHEDULED', 'TAKEN_IN', 'DECLINED', 'CANCELLED')),
  requested_at       timestamptz not null,
  due_date           date not null,
  assigned_to        text,
  scheduled_at       timestamptz,
  decided_by         text,
  decided_at         timestamptz,
  decline_reason     text,
  application_number text,
  taken_in_at        timestamptz
);
create index home_visit_hall on home_visit (hall_code, status);
create index home_visit_open on home_visit (due_date) where status in ('REQUESTED', 'SCHEDULED');

create table home_visit_warning (
  home_visit_id bigint not null references home_visit (id),
  kind          text not null check (kind in ('VISIT_DUE')),
  level         text not null check (level in ('REMINDER', 'YELLOW', 'RED')),
  due_date      date not null,
  raised_at     timestamptz not null,
  primary key (home_visit_id, kind, level, due_date)
);
