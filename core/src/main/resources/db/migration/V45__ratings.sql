-- 好差评: one rating per case (a visit's rating belongs to the hall services), its bad-review handling
-- (核实 → 整改 → 回访, or 申诉) and the warnings raised on its deadlines. See docs/ratings.md.
create table rating (
  id                bigint generated always as identity primary key,
  application_id    bigint not null unique references application (id),
  number            text not null,
  -- Copied from the case when rated: the responsible department, matter and intake hall the figures count by.
  department_code   text not null,
  matter_code       text not null,
  hall_code         text,
  grade             smallint not null check (grade between 1 and 5),
  reasons           text[] not null default '{}',
  comment           text,
  source            text not null,
  rated_by          text not null,
  is_default        boolean not null default false,
  rated_at          timestamptz not null,
  status            text not null check (status in ('RECORDED', 'VERIFYING', 'RECTIFYING', 'CALLING_BACK', 'CLOSED',
                                                   'APPEALED', 'APPEAL_UPHELD')),
  verify_due        date,
  verified_at       timestamptz,
  verified_by       text,
  finding           text,
  rectify_due       date,
  rectified_at      timestamptz,
  rectified_by      text,
  measures          text,
  callback_due      date,
  called_back_at    timestamptz,
  called_back_by    text,
  callback_outcome  text,
  callback_note     text,
  appeal            jsonb,
  -- An upheld appeal keeps the rating on record but out of the figures.
  excluded          boolean not null default false,
  version           int not null default 1
);
create unique index rating_number_idx on rating (number);
create index rating_department_idx on rating (department_code, id desc);
create index rating_hall_idx on rating (hall_code, id desc);
create index rating_rated_at_idx on rating (rated_at);
create index rating_open_idx on rating (status) where status in ('VERIFYING', 'RECTIFYING', 'CALLING_BACK');

create table rating_warning (
  id          bigint generated always as identity primary key,
  rating_id   bigint not null references rating (id),
  kind        text not null check (kind in ('VERIFY_DUE', 'RECTIFY_DUE', 'CALLBACK_DUE')),
  level       text not null check (level in ('REMINDER', 'YELLOW', 'RED')),
  due_date    date not null,
  raised_at   timestamptz not null,
  unique (rating_id, kind, level, due_date)
);
