-- 同城通办 and 三级联动: the service network of 新密市 (410183) as data, where a case was taken in, who
-- accepts and who decides it, its forwarding clock, where the result is collected, and 代办 authorisations.

-- The city hall, its 4 streets (街道) and 12 towns (镇), and a sample of village/community stations.
-- Codes are stable identifiers; names are what people see. xm-city, xm-chaohua and xm-chaohua-v01 are
-- also the demo halls.
insert into hall (code, name, level, parent_code) values
  ('xm-city', '新密市政务服务中心', 'CITY', null)
on conflict (code) do nothing;
insert into hall (code, name, level, parent_code) values
  ('xm-qingpingjie', '青屏街街道便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-xinhualu', '新华路街道便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-xidajie', '西大街街道便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-kuangqu', '矿区街道便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-chengguan', '城关镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-micun', '米村镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-niudian', '牛店镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-pingmo', '平陌镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-chaohua', '超化镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-goutang', '苟堂镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-dawei', '大隗镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-liuzhai', '刘寨镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-baizhai', '白寨镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-yuecun', '岳村镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-laiji', '来集镇便民服务中心', 'TOWNSHIP', 'xm-city'),
  ('xm-quliang', '曲梁镇便民服务中心', 'TOWNSHIP', 'xm-city')
on conflict (code) do nothing;
-- A sample of stations (the seat village or community of some towns and streets); the full list is the
-- city's to enter through PUT /api/v1/halls/{code}.
insert into hall (code, name, level, parent_code) values
  ('xm-chaohua-v01', '超化镇超化村便民服务站', 'VILLAGE', 'xm-chaohua'),
  ('xm-micun-v01', '米村镇米村便民服务站', 'VILLAGE', 'xm-micun'),
  ('xm-dawei-v01', '大隗镇大隗村便民服务站', 'VILLAGE', 'xm-dawei'),
  ('xm-laiji-v01', '来集镇来集村便民服务站', 'VILLAGE', 'xm-laiji'),
  ('xm-quliang-v01', '曲梁镇曲梁村便民服务站', 'VILLAGE', 'xm-quliang'),
  ('xm-qingpingjie-c01', '青屏街街道青屏社区便民服务站', 'VILLAGE', 'xm-qingpingjie')
on conflict (code) do nothing;
-- Every township/street hall has a comprehensive window (一窗受理).
insert into hall_window (hall_code, code, name, kind)
select code, 'w01', '综合窗口', 'COMPREHENSIVE' from hall where level = 'TOWNSHIP'
on conflict do nothing;
insert into hall_window (hall_code, code, name, kind) values
  ('xm-city', 'w01', '综合受理窗口1', 'COMPREHENSIVE'),
  ('xm-city', 'w02', '综合受理窗口2', 'COMPREHENSIVE')
on conflict do nothing;

-- 代办授权: an applicant authorises the agents of one hall or station to apply for them, for one matter
-- or all, until a date; revocable. Recorded by the applicant online or by the agent from a signed form.
create table agent_authorisation (
  id                   uuid primary key default gen_random_uuid(),
  applicant_id_number  text not null,
  applicant_name       text not null,
  hall_code            text not null references hall (code),
  matter_code          text references matter (code),
  valid_until          date not null,
  evidence             text,
  created_by           text not null,
  created_at           timestamptz not null default now(),
  revoked_at           timestamptz,
  revoked_by           text
);
create index agent_authorisation_applicant_idx on agent_authorisation (applicant_id_number, created_at);
create index agent_authorisation_hall_idx on agent_authorisation (hall_code, applicant_id_number);

-- 通办地收件、归属地受理、归属地审批: hall_code stays the intake hall; department_code the approving
-- department; the accepting department and the home hall are recorded beside them. A case taken in away
-- from its home hall is forwarded at once and must be accepted or returned by forward_due_date.
alter table application
  add column accepting_department_code text,
  add column home_hall_code            text references hall (code),
  add column forwarded_at              timestamptz,
  add column forward_due_date          date,
  add column forward_answered_at       timestamptz,
  add column collection                jsonb,
  add column agency                    jsonb,
  add column authorisation_id          uuid references agent_authorisation (id);
update application set accepting_department_code = department_code where accepting_department_code is null;
create index application_accepting_idx on application (accepting_department_code, id);
create index application_forward_open_idx on application (forward_due_date)
  where forwarded_at is not null and forward_answered_at is null;
create index application_submitted_at_idx on application (submitted_at);
