-- 窗口: the windows of a hall — comprehensive windows (综合窗口, any matter: 一窗受理) or a department's own.
create table hall_window (
  hall_code        text not null references hall (code),
  code             text not null,
  name             text not null,
  kind             text not null check (kind in ('COMPREHENSIVE', 'DEPARTMENT')),
  department_code  text references department (code),
  primary key (hall_code, code),
  check (kind = 'COMPREHENSIVE' or department_code is not null)
);

-- Client scopes name what a client may do beyond public reads; catalogue and progress are public anyway.
alter table api_client alter column scopes set default '{}';
update api_client set scopes = array_remove(array_remove(scopes, 'catalogue'), 'progress');
