-- 电子监察 问责 (docs/supervision.md): every red card on a case opens one accountability record, routed to the
-- case's responsible officer (the last staff member who acted on it) and its department's head (the
-- department's approvers); they explain within a working-day limit; a supervisor closes it with a finding.
create table accountability (
  id                 bigint generated always as identity primary key,
  warning_id         bigint not null unique references case_warning (id),
  application_id     bigint not null references application (id),
  department_code    text not null references department (code),
  officer            text,
  status             text not null check (status in ('OPEN', 'EXPLAINED', 'CLOSED')),
  explain_due_date   date not null,
  explanation        text,
  explained_by       text,
  explained_at       timestamptz,
  finding            text check (finding in ('JUSTIFIED', 'WARNED', 'REPORTED')),
  finding_note       text,
  closed_by          text,
  closed_at          timestamptz,
  -- the highest overdue-explanation warning raised (REMINDER, YELLOW, RED), each level once
  overdue_level      text check (overdue_level in ('REMINDER', 'YELLOW', 'RED')),
  opened_at          timestamptz not null,
  version            int not null default 0
);
create index accountability_department_idx on accountability (department_code, id desc);
create index accountability_officer_idx on accountability (officer, id desc);
create index accountability_open_idx on accountability (explain_due_date) where status = 'OPEN';
create index case_warning_level_idx on case_warning (level, application_id);
