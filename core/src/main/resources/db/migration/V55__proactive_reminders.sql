-- 主动提醒 (proactive reminders): rules as data, one row per reminder sent (its unique key is what keeps
-- restarts and several nodes from sending one twice), and the applicants' opt-outs per topic.
create table reminder_rule (
  code         text primary key check (code ~ '^[a-z][a-z0-9-]{1,63}$'),
  kind         text not null check (kind in ('LICENCE_EXPIRY', 'ANNUAL_REVIEW', 'AGE_REACHED')),
  topic        text not null check (topic in ('licence-expiry', 'annual-review', 'benefit-eligibility')),
  title        text not null,
  message      text not null,
  matter_code  text not null,                      -- the matter whose form the reminder opens (checked when stored;
                                                    -- the bundled catalogue is imported after the migrations)
  licence_type text,                                  -- LICENCE_EXPIRY: the licence type name (证照类型)
  age          int check (age between 1 and 150),     -- AGE_REACHED: the age that qualifies
  days_before  int[] not null default '{60,30}',
  enabled      boolean not null default true,
  updated_by   text not null default 'system',
  updated_at   timestamptz not null default now(),
  check (kind <> 'LICENCE_EXPIRY' or licence_type is not null),
  check (kind <> 'AGE_REACHED' or age is not null),
  check (cardinality(days_before) between 1 and 5)
);

create table reminder (
  id          uuid primary key default gen_random_uuid(),
  rule_code   text not null references reminder_rule (code),
  account_id  uuid not null references account (id),
  occasion    text not null,          -- what the reminder is about: a licence and its threshold, a year, an age
  topic       text not null,
  title       text not null,
  message     text not null,
  link        text not null,
  matter_code text not null,
  due_on      date not null,
  created_at  timestamptz not null default now(),
  unique (rule_code, account_id, occasion)
);
create index reminder_account_idx on reminder (account_id, created_at desc);

create table reminder_opt_out (
  account_id uuid not null references account (id),
  topic      text not null,
  created_at timestamptz not null default now(),
  primary key (account_id, topic)
);

-- The bundled rules (an administrator changes or disables them through the API).
insert into reminder_rule (code, kind, topic, title, message, matter_code, licence_type, age, days_before)
select v.code, v.kind, v.topic, v.title, v.message, v.matter_code, v.licence_type, v.age, v.days_before::int[]
from (values
  ('disability-card-expiry', 'LICENCE_EXPIRY', 'licence-expiry', '残疾人证即将到期',
   '您的{licence}将于{date}到期（还有{days}天），请及时在线申请换领。',
   'cjl-disability-certificate', '残疾人证', null::int, '{60,30}'),
  ('advanced-age-annual-review', 'ANNUAL_REVIEW', 'annual-review', '高龄津贴年审提醒',
   '您领取的高龄津贴需在{date}前完成年度资格认证（年审），可在线办理，表单已为您预填。',
   'mzj-advanced-age-allowance', null, null, '{30}'),
  ('advanced-age-80', 'AGE_REACHED', 'benefit-eligibility', '您可申请高龄津贴',
   '您将于{date}年满{age}周岁，可申请高龄津贴，表单已为您预填。',
   'mzj-advanced-age-allowance', null, 80, '{30}')
) as v(code, kind, topic, title, message, matter_code, licence_type, age, days_before);

-- Where a case's data came from (数据来源): what the prefill last offered a caller for a matter — per field
-- its origin and a keyed hash of the value, never the value — and, per case, which submitted fields came
-- from which source (the prefill's value kept) and which the applicant typed.
create table prefill_offer (
  scope_key   text not null,
  matter_code text not null,
  fields      jsonb not null,
  offered_at  timestamptz not null default now(),
  primary key (scope_key, matter_code)
);

create table application_data_source (
  number      text primary key references application (number),
  sources     jsonb not null,
  recorded_at timestamptz not null default now()
);
