-- Identity: organizations, their members and invitations, and their API keys (partners).

CREATE TABLE identity.organizations (
  id          uuid        PRIMARY KEY,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per (organization, person). The application keeps at least one OWNER per organization
-- (changes to an organization's members lock its row first, so two owners leaving at once cannot
-- both succeed).
CREATE TABLE identity.organization_members (
  organization_id uuid        NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE,
  user_id         uuid        NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
  role            text        NOT NULL CHECK (role IN ('OWNER', 'MANAGER', 'MEMBER')),
  joined_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id)
);

CREATE INDEX organization_members_user_idx ON identity.organization_members (user_id);
CREATE INDEX organization_members_joined_idx ON identity.organization_members (organization_id, joined_at);

-- One row per invitation. Only the SHA-256 of the link's token is kept. EXPIRED is not stored: a
-- PENDING row past expires_at reads as EXPIRED. Inviting an address again replaces the token of
-- its pending row, so there is at most one pending invitation per (organization, email).
CREATE TABLE identity.organization_invitations (
  id              uuid        PRIMARY KEY,
  organization_id uuid        NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE,
  email           text        NOT NULL CHECK (email = lower(btrim(email)) AND length(email) <= 254),
  role            text        NOT NULL CHECK (role IN ('OWNER', 'MANAGER', 'MEMBER')),
  token_hash      text        NOT NULL UNIQUE,
  status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ACCEPTED', 'REVOKED')),
  invited_by      uuid        REFERENCES identity.users (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  accepted_at     timestamptz
);

CREATE UNIQUE INDEX organization_invitations_pending_idx
  ON identity.organization_invitations (organization_id, email) WHERE status = 'PENDING';
CREATE INDEX organization_invitations_org_idx ON identity.organization_invitations (organization_id, created_at);
CREATE INDEX organization_invitations_email_idx ON identity.organization_invitations (email);

-- API keys: `lck_<public_id>_<secret>`; only the SHA-256 of the whole key is kept. revoked_at may
-- lie in the future: a rotated key keeps working until its grace period ends.
CREATE TABLE identity.api_keys (
  id              uuid        PRIMARY KEY,
  organization_id uuid        NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE,
  public_id       text        NOT NULL UNIQUE CHECK (public_id ~ '^[0-9a-f]{8}$'),
  key_hash        text        NOT NULL UNIQUE,
  name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  scopes          text[]      NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 7),
  created_by      uuid        REFERENCES identity.users (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz,
  expires_at      timestamptz,
  revoked_at      timestamptz,
  rotated_from    uuid        REFERENCES identity.api_keys (id) ON DELETE SET NULL
);

CREATE INDEX api_keys_org_idx ON identity.api_keys (organization_id, created_at);
-- The gateway's revocation poll asks for keys revoked in a time window.
CREATE INDEX api_keys_revoked_idx ON identity.api_keys (revoked_at) WHERE revoked_at IS NOT NULL;
