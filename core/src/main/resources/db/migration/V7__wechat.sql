-- WeChat mini-program identities (openid from code2session) linked to verified citizens.
create table wechat_link (
  openid      text primary key,
  account_id  uuid not null references account (id),
  linked_at   timestamptz not null default now()
);
