-- What each third-party client may do, besides the channels it submits on.
alter table api_client add column scopes text[] not null default '{catalogue}';
update api_client set scopes = '{catalogue,token-exchange,progress}' where client_id = 'portal-demo';
