-- Identity: password-reset tokens, and an index for the gateway's list of revoked sessions.

-- One row per reset link ever sent. Only the SHA-256 of the token is kept; a token works once
-- (used_at) and only before expires_at. Completing a reset marks every open token of the user used.
CREATE TABLE identity.password_reset_tokens (
  id          uuid        PRIMARY KEY,
  user_id     uuid        NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
  token_hash  text        NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);

CREATE INDEX password_reset_tokens_user_idx ON identity.password_reset_tokens (user_id);

-- The gateway asks for sessions revoked since an instant every few seconds.
CREATE INDEX refresh_tokens_revoked_idx ON identity.refresh_tokens (revoked_at)
  WHERE revoked_at IS NOT NULL;
