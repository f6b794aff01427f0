-- 按部门统计: how many cases each (approving) department has in each status, exact at every commit.
-- Statement triggers append each change's net counts to department_case_delta in the change's own
-- transaction: an insert-only table, so concurrent submissions never wait for one another on a shared
-- counter row. A periodic pass folds the deltas into department_case_count; a read sums both (a few hundred
-- rows at most), instead of counting a million cases.
create table department_case_count (
  department_code text not null,
  status          text not null,
  cases           bigint not null,
  primary key (department_code, status)
);

create table department_case_delta (
  department_code text not null,
  status          text not null,
  cases           bigint not null
);

insert into department_case_count (department_code, status, cases)
select department_code, status, count(*) from application group by department_code, status;

create function department_case_inserted() returns trigger language plpgsql as $$
begin
  insert into department_case_delta (department_code, status, cases)
  select department_code, status, count(*) from new_cases group by department_code, status;
  return null;
end $$;

-- A case whose status (or department) did not change adds -1 and +1 to the same count: nothing is written.
create function department_case_updated() returns trigger language plpgsql as $$
begin
  insert into department_case_delta (department_code, status, cases)
  select department_code, status, sum(n) from (
    select department_code, status, -1 as n from old_cases
    union all
    select department_code, status, 1 from new_cases) c
  group by department_code, status having sum(n) <> 0;
  return null;
end $$;

create function department_case_deleted() returns trigger language plpgsql as $$
begin
  insert into department_case_delta (department_code, status, cases)
  select department_code, status, -count(*) from old_cases group by department_code, status;
  return null;
end $$;

create trigger application_counted_insert after insert on application
  referencing new table as new_cases for each statement execute function department_case_inserted();
create trigger application_counted_update after update on application
  referencing old table as old_cases new table as new_cases for each statement
  execute function department_case_updated();
create trigger application_counted_delete after delete on application
  referencing old table as old_cases for each statement execute function department_case_deleted();

create function department_case_truncated() returns trigger language plpgsql as $$
begin
  delete from department_case_delta;
  delete from department_case_count;
  return null;
end $$;

create trigger application_counted_truncate after truncate on application
  for each statement execute function department_case_truncated();
