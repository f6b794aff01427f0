-- Working-day calendar as data: the days that differ from the Monday–Friday rule. HOLIDAY = a weekday
-- off (法定节假日); WORKDAY = a weekend day worked (调休上班).
create table calendar_day (
  day         date primary key,
  kind        text not null check (kind in ('HOLIDAY', 'WORKDAY')),
  name        text not null,
  updated_by  text not null default 'system',
  updated_at  timestamptz not null default now()
);
-- Years whose official notice has been entered: due dates in other years carry a warning.
create table calendar_year (
  year        int primary key,
  source      text not null,
  entered_at  timestamptz not null default now()
);

-- 2026, from the State Council General Office notice of 2025-11-04.
insert into calendar_year (year, source) values (2026, '国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）');
insert into calendar_day (day, kind, name)
select d::date, 'HOLIDAY', n from (values
  ('2026-01-01', '2026-01-03', '元旦'),
  ('2026-02-15', '2026-02-23', '春节'),
  ('2026-04-04', '2026-04-06', '清明节'),
  ('2026-05-01', '2026-05-05', '劳动节'),
  ('2026-06-19', '2026-06-21', '端午节'),
  ('2026-09-25', '2026-09-27', '中秋节'),
  ('2026-10-01', '2026-10-07', '国庆节')) as h(f, t, n),
  generate_series(f::date, t::date, interval '1 day') as d;
insert into calendar_day (day, kind, name) values
  ('2026-01-04', 'WORKDAY', '元旦调休上班'),
  ('2026-02-14', 'WORKDAY', '春节调休上班'),
  ('2026-02-28', 'WORKDAY', '春节调休上班'),
  ('2026-05-09', 'WORKDAY', '劳动节调休上班'),
  ('2026-09-20', 'WORKDAY', '国庆节调休上班'),
  ('2026-10-10', 'WORKDAY', '国庆节调休上班');

-- The case clock.
alter table application add column accepted_at timestamptz;
-- The day from which the decision clock runs (the intake day when a correction notice came too late).
alter table application add column clock_start date;
alter table application add column due_date date;
alter table application add column legal_due_date date;
-- The last day to send a one-time correction notice (5 working days after intake).
alter table application add column notice_due_date date;
alter table application add column suspended_at timestamptz;
alter table application add column suspended_from_status text;
alter table application add column decided_at timestamptz;
alter table application add column correction jsonb;

-- 办理环节: every step of a case (action, step, handler, opinion, start and end).
create table case_step (
  id              bigint generated always as identity primary key,
  application_id  bigint not null references application (id),
  action          text not null,
  step_name       text not null,
  actor           text not null,
  actor_name      text,
  opinion         text,
  from_status     text,
  to_status       text not null,
  detail          jsonb not null default '{}',
  started_at      timestamptz not null,
  ended_at        timestamptz not null default now()
);
create index case_step_application_idx on case_step (application_id, id);
