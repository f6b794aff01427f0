-- 并联审批: one opinion per department named by the matter; silence past the department's own limit is
-- deemed consent (超时默认), recorded as such with the department named.
create table case_opinion (
  application_id   bigint not null references application (id),
  department_code  text not null,
  department_name  text not null,
  task             text,
  due_date         date not null,
  opinion          text check (opinion in ('AGREE', 'DISAGREE', 'DEEMED_CONSENT')),
  comment          text,
  actor            text,
  decided_at       timestamptz,
  primary key (application_id, department_code)
);
create index case_opinion_pending_idx on case_opinion (due_date) where opinion is null;
alter table application add column parallel_departments text[] not null default '{}';
create index application_parallel_idx on application using gin (parallel_departments);

-- 电子监察: reminders (1 working day before a limit), yellow cards (at it) and red cards (past it), each
-- raised once per case, kind, level, subject and due date.
create table case_warning (
  id              bigint generated always as identity primary key,
  application_id  bigint not null references application (id),
  kind            text not null,
  level           text not null check (level in ('REMINDER', 'YELLOW', 'RED')),
  subject         text not null default '',
  due_date        date not null,
  raised_at       timestamptz not null,
  unique (application_id, kind, level, subject, due_date)
);

-- Credit of applicants (失信 excludes 容缺 and 告知承诺); set by administrators or data-sharing plugins.
create table applicant_credit (
  id_number   text primary key,
  status      text not null check (status in ('GOOD', 'BAD')),
  reason      text,
  source      text not null,
  updated_at  timestamptz not null default now()
);

-- 容缺受理: materials accepted as missing, each with its deadline, and the applicant's commitment.
alter table application add column deficiency jsonb;
-- 告知承诺: commitments that replace certificates, each to be verified later.
alter table application add column commitments jsonb;
