-- Token-signing keys rotated without downtime (docs/oidc.md#signing-keys): each key is published in the JWKS
-- before it signs (the "next" key, signs_from null), signs while current (signs_from set, retired_at null), and is
-- still published and accepted after it is retired until every token it signed has expired.
alter table signing_key add column signs_from timestamptz;
alter table signing_key add column retired_at timestamptz;
update signing_key set signs_from = created_at;
-- At most one key signs, and at most one waits to sign.
create unique index signing_key_one_current on signing_key ((true)) where signs_from is not null and retired_at is null;
create unique index signing_key_one_next on signing_key ((true)) where signs_from is null and retired_at is null;
