-- Identity: webhook endpoints of organizations, and the outbox of their deliveries.
-- organization_id is not a foreign key here: organizations arrive in another migration and a
-- deleted organization's endpoints are removed with it by that store.

-- An endpoint's signing secret must stay usable to sign, so it is kept encrypted (AES-256-GCM,
-- key derived with HKDF from WEBHOOK_SECRET_KEY or the signing key), never hashed, never logged.
CREATE TABLE identity.webhook_endpoints (
  id                uuid        PRIMARY KEY,
  organization_id   uuid        NOT NULL,
  url               text        NOT NULL,
  description       text        NOT NULL DEFAULT '',
  events            text[]      NOT NULL,
  enabled           boolean     NOT NULL DEFAULT true,
  secret_encrypted  text        NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhook_endpoints_organization_idx ON identity.webhook_endpoints (organization_id, created_at);

-- The outbox: one row per (endpoint, event), written by the event consumer, sent by the
-- dispatcher. A row is claimed by setting lease_until and a fresh lease_token (only that claim may
-- record its outcome); a process that dies mid-delivery leaves it
-- to the next poll once the lease has passed. attempts keeps the last 20 (attempt_count all).
CREATE TABLE identity.webhook_deliveries (
  id               uuid        PRIMARY KEY,
  endpoint_id      uuid        NOT NULL REFERENCES identity.webhook_endpoints (id) ON DELETE CASCADE,
  event_id         text        NOT NULL,
  event_type       text        NOT NULL,
  payload          text        NOT NULL,
  status           text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  attempts         jsonb       NOT NULL DEFAULT '[]'::jsonb,
  attempt_count    integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  lease_until      timestamptz,
  lease_token      uuid,
  occurred_at      timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, event_id)
);

CREATE INDEX webhook_deliveries_due_idx ON identity.webhook_deliveries (next_attempt_at)
  WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_endpoint_idx ON identity.webhook_deliveries (endpoint_id, created_at DESC);
