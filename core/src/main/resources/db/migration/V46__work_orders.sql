-- 12345 热线工单 (docs/hotline.md): one row per call or message, its steps, and its deadline warnings.
create sequence work_order_seq;

create table work_order (
  id                  bigint generated always as identity primary key,
  number              text not null unique,
  type                text not null check (type in ('CONSULTATION', 'HELP', 'COMPLAINT', 'REPORT', 'SUGGESTION',
                                                    'PRAISE')),
  status              text not null check (status in ('ACCEPTED', 'DISPATCHED', 'SIGNED', 'RETURNED', 'REPLIED',
                                                      'CLOSED')),
  -- The caller ({name, phone, idNumber}) sealed as one value; the phone's blind index finds earlier orders.
  caller_sealed       text not null,
  caller_phone_index  text not null,
  subject             text not null,
  content             text not null,
  place_hall_code     text references hall (code),
  matter_code         text,
  case_number         text,
  -- 首问负责: the staff member who took the contact; never null.
  owner_id            uuid not null references account (id),
  -- Who dispatched it last: the one who approves an extension.
  dispatcher_id       uuid references account (id),
  department_code     text references department (code),
  dispatched_at       timestamptz,
  sign_due_date       date,
  due_date            date,
  signed_at           timestamptz,
  reply               text,
  replied_at          timestamptz,
  return_reason       text,
  returns             int not null default 0,
  urges               int not null default 0,
  reopens             int not null default 0,
  extension           jsonb,
  satisfaction        int check (satisfaction between 1 and 5),
  called_back_at      timestamptz,
  closed_at           timestamptz,
  created_at          timestamptz not null,
  updated_at          timestamptz not null
);
create index work_order_phone_idx on work_order (caller_phone_index, id);
create index work_order_department_idx on work_order (department_code, id);
create index work_order_case_idx on work_order (case_number) where case_number is not null;
create index work_order_open_due_idx on work_order (due_date) where status in ('DISPATCHED', 'SIGNED');

-- 工单流转记录: every step, with who took it and the department it concerned.
create table work_order_step (
  id              bigint generated always as identity primary key,
  work_order_id   bigint not null references work_order (id),
  action          text not null,
  from_status     text,
  to_status       text not null,
  actor           text not null,
  actor_name      text,
  department_code text,
  comment         text,
  at              timestamptz not null
);
create index work_order_step_order_idx on work_order_step (work_order_id, id);

-- Reminders and yellow/red cards on a work order's sign-for and reply deadlines, each raised once.
create table work_order_warning (
  work_order_id bigint not null references work_order (id),
  kind          text not null check (kind in ('SIGN_DUE', 'REPLY_DUE')),
  level         text not null check (level in ('REMINDER', 'YELLOW', 'RED')),
  due_date      date not null,
  raised_at     timestamptz not null,
  primary key (work_order_id, kind, level, due_date)
);
