-- OpenID Connect (docs/oidc.md): registered clients are api_client rows; a public client (mini-program,
-- single-page portal) has no secret and must use PKCE S256.
alter table api_client alter column secret_hash drop not null;
alter table api_client add column public_client boolean not null default false;
alter table api_client add column redirect_uris text[] not null default '{}';

-- What a citizen allowed a client, remembered until they revoke it.
create table oauth_consent (
  account_id  uuid not null references account(id),
  client_id   text not null references api_client(client_id),
  scopes      text[] not null,
  granted_at  timestamptz not null default now(),
  primary key (account_id, client_id)
);

-- Refresh tokens (only their SHA-256 is kept), one family per sign-in: a rotated token is marked used; using a
-- used one again revokes the whole family (and, through the family id, the access tokens issued from it).
create table oauth_refresh_token (
  token_hash  text primary key,
  family_id   text not null,
  client_id   text not null references api_client(client_id),
  account_id  uuid not null references account(id),
  scopes      text[] not null,
  auth_time   bigint not null,
  expires_at  timestamptz not null,
  used_at     timestamptz,
  revoked_at  timestamptz
);
create index oauth_refresh_token_family on oauth_refresh_token (family_id);
create index oauth_refresh_token_account on oauth_refresh_token (account_id, client_id);

-- The salt of pairwise subject identifiers (one per installation, never shown).
create table oidc_setting (
  name   text primary key,
  value  text not null
);
insert into oidc_setting (name, value) values ('pairwise-salt', md5(random()::text || clock_timestamp()::text)
  || md5(random()::text || clock_timestamp()::text));

-- An upstream provider's subject linked to a citizen (by identity number, once).
create table oidc_federated_link (
  issuer      text not null,
  subject     text not null,
  account_id  uuid not null references account(id),
  linked_at   timestamptz not null default now(),
  primary key (issuer, subject)
);
