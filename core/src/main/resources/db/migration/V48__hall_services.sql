-- 大厅服务 (docs/hall-services.md): opening hours as data, appointments on slots with a capacity, queue
-- tickets called to windows, and pre-registrations turned into cases at a window.

-- A hall's opening hours: periods per kind of day ({"WORKDAY": [{"from": "09:00", "to": "12:00",
-- "kind": "REGULAR"}, …], "SATURDAY": […]}; kinds REGULAR, NOON 午间不间断, EVENING 延时), the slot length
-- and the places per slot (per matter in `capacities`, else `capacity`). A hall without a row keeps the
-- defaults the service knows.
create table hall_hours (
  hall_code    text primary key references hall (code),
  hours        jsonb not null,
  slot_minutes int not null check (slot_minutes between 5 and 240),
  capacity     int not null check (capacity between 1 and 1000),
  capacities   jsonb not null default '{}',
  updated_at   timestamptz not null default now()
);

-- The places taken of one slot; a row is made at the first booking. `booked <= capacity` is kept by the
-- conditional update that takes a place, the check stands behind it.
create table appointment_slot (
  hall_code   text not null references hall (code),
  matter_code text not null references matter (code),
  starts_at   timestamptz not null,
  capacity    int not null,
  booked      int not null default 0 check (booked >= 0 and booked <= capacity),
  primary key (hall_code, matter_code, starts_at)
);

create sequence appointment_seq;

create table appointment (
  number         text primary key,
  hall_code      text not null references hall (code),
  matter_code    text not null references matter (code),
  starts_at      timestamptz not null,
  ends_at        timestamptz not null,
  period         text not null,
  account_id     uuid not null references account (id),
  applicant_name text not null,
  status         text not null check (status in ('BOOKED', 'CANCELLED', 'CHECKED_IN', 'NO_SHOW')),
  created_at     timestamptz not null,
  changed_at     timestamptz,
  reminded_at    timestamptz
);
create index appointment_open on appointment (account_id) where status = 'BOOKED';
create index appointment_due on appointment (starts_at) where status = 'BOOKED';
create index appointment_hall_day on appointment (hall_code, starts_at);

-- 取号: numbers per hall and day from a counter row; a ticket with a booking goes first from its slot's start.
create table hall_ticket_counter (
  hall_code text not null references hall (code),
  day       date not null,
  last      int not null,
  primary key (hall_code, day)
);

create table hall_ticket (
  id                 uuid primary key default gen_random_uuid(),
  hall_code          text not null references hall (code),
  day                date not null,
  number             text not null,
  matter_code        text references matter (code),
  appointment_number text references appointment (number),
  priority_from      timestamptz,
  status             text not null check (status in ('WAITING', 'CALLED', 'SERVED', 'ABSENT')),
  window_code        text,
  account_id         uuid,
  taken_by           text not null,
  taken_at           timestamptz not null,
  called_at          timestamptz,
  called_by          text,
  finished_at        timestamptz,
  application_number text,
  transfers          int not null default 0,
  unique (hall_code, day, number)
);
create index hall_ticket_waiting on hall_ticket (hall_code, day, taken_at) where status = 'WAITING';

-- 预登记: the applicant's form filled in online; applicant and data sealed, found by number or the blind
-- index of the identity number.
create table pre_registration (
  number             text primary key,
  matter_code        text not null references matter (code),
  account_id         uuid not null references account (id),
  applicant_id_index text not null,
  applicant          text not null,
  data               text not null,
  status             text not null check (status in ('OPEN', 'CONVERTED', 'EXPIRED')),
  created_at         timestamptz not null,
  expires_at         timestamptz not null,
  converted_at       timestamptz,
  converted_by       text,
  application_number text
);
create index pre_registration_applicant on pre_registration (applicant_id_index) where status = 'OPEN';
create index pre_registration_expiry on pre_registration (expires_at) where status = 'OPEN';
create sequence pre_registration_seq;
