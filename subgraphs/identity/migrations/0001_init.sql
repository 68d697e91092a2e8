-- Identity: accounts and refresh-token families. Every object lives in the `identity` schema.

CREATE TABLE identity.users (
  id            uuid        PRIMARY KEY,
  -- Stored trimmed and lower-cased by the application; the CHECK keeps any other writer honest.
  email         text        NOT NULL UNIQUE CHECK (email = lower(btrim(email)) AND length(email) <= 254),
  password_hash text        NOT NULL,
  display_name  text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
  roles         text[]      NOT NULL DEFAULT ARRAY['LEARNER']::text[]
                            CHECK (roles <@ ARRAY['LEARNER', 'INSTRUCTOR', 'ADMIN']::text[]),
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per refresh token ever issued. Only the SHA-256 of the token is kept, so a leaked table
-- cannot be replayed. A family is the chain of rotations that started at one log-in.
CREATE TABLE identity.refresh_tokens (
  id          uuid        PRIMARY KEY,
  user_id     uuid        NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
  family_id   uuid        NOT NULL,
  token_hash  text        NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz
);

CREATE INDEX refresh_tokens_family_idx ON identity.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON identity.refresh_tokens (user_id);
