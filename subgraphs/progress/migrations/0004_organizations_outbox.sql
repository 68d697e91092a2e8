-- progress: incremental sync for organizations, and the outbox of learning events.
--
-- `enrollments.updated_at` moves on every change of the enrollment, its lesson progress, its quiz
-- attempts and its lab completions (all of them go through the enrollment's row lock), so a
-- partner keeps the last value seen and asks for what changed since (`Organization.enrollments`
-- orders by (updated_at, id)). Existing rows start from their last activity.
ALTER TABLE progress.enrollments ADD COLUMN updated_at timestamptz;
UPDATE progress.enrollments SET updated_at = last_activity_at;
ALTER TABLE progress.enrollments ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE progress.enrollments ALTER COLUMN updated_at SET DEFAULT now();
CREATE INDEX enrollments_updated_idx ON progress.enrollments (updated_at, id);

-- Learning events (topic `progress.learning`), written in the same transaction as the change they
-- announce and published by the relay (services/outbox.ts) after the commit, at least once. A row
-- stays until the bus accepted it; a failed publish pushes `next_attempt_at` back (doubling). A
-- relay claims rows by leasing them (`lease_owner`, `lease_until`) under SKIP LOCKED, so two
-- replicas never publish the same row at once, and a crashed replica's lease runs out.
CREATE TABLE progress.outbox (
  id              uuid PRIMARY KEY,
  sequence        bigserial NOT NULL UNIQUE,
  topic           text NOT NULL,
  payload         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner     text,
  lease_until     timestamptz,
  last_error      text
);
CREATE INDEX outbox_unpublished_idx ON progress.outbox (next_attempt_at, sequence) WHERE published_at IS NULL;
CREATE INDEX outbox_published_idx ON progress.outbox (published_at) WHERE published_at IS NOT NULL;
