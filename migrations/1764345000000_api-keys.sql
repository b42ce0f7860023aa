-- Up Migration

-- API keys. A key is `ntk_<id>_<secret>`: the id finds the row, the secret is
-- checked against its SHA-256 (salted with the id) in constant time. The secret
-- itself is never stored; it is shown once, when the key is made. A key is
-- revoked, never deleted, so the owner of every recorded event stays known.
CREATE TABLE api_keys (
  id           text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
  owner        text NOT NULL CHECK (length(owner) BETWEEN 1 AND 100),
  role         text NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
  secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  revoked_at   timestamptz,
  revoked_by   text,
  last_used_at timestamptz,
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

CREATE INDEX api_keys_owner ON api_keys (owner);

-- Down Migration
DROP TABLE api_keys;
