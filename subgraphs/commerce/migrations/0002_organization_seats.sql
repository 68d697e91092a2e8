-- commerce: team plans and organization seats. A team plan (per_seat) is bought by an
-- organization's OWNER for a number of seats: the order line records them (quantity; unit_amount
-- stays the line's price before the discount, i.e. the plan's price x seats), the order and its
-- grant name the organization (the grant gives the buyer no access of their own), and the
-- subscription holds the seats. Members take seats (organization_seat_assignments); a seat counts
-- only while its holder is still a member (identity's directory is asked, nothing is copied).

ALTER TABLE commerce.plans ADD COLUMN per_seat boolean NOT NULL DEFAULT false;

ALTER TABLE commerce.orders ADD COLUMN organization_id text;

ALTER TABLE commerce.order_lines
  ADD COLUMN quantity integer NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 1000);

ALTER TABLE commerce.entitlements ADD COLUMN organization_id text;

ALTER TABLE commerce.plan_subscriptions ADD COLUMN organization_id text;
ALTER TABLE commerce.plan_subscriptions
  ADD COLUMN seats integer CHECK (seats BETWEEN 1 AND 1000);
ALTER TABLE commerce.plan_subscriptions
  ADD CONSTRAINT plan_subscriptions_team_check CHECK ((organization_id IS NULL) = (seats IS NULL));
CREATE INDEX plan_subscriptions_organization_idx
  ON commerce.plan_subscriptions (organization_id, current_period_end DESC)
  WHERE organization_id IS NOT NULL;

-- One row per organization that ever had seats: the row assigning a seat locks (FOR UPDATE), so
-- of two concurrent assignments for the last seat exactly one gets it.
CREATE TABLE commerce.seat_organizations (
  organization_id text PRIMARY KEY,
  created_at      timestamptz NOT NULL
);

CREATE TABLE commerce.organization_seat_assignments (
  id              uuid PRIMARY KEY,
  organization_id text NOT NULL REFERENCES commerce.seat_organizations (organization_id),
  user_id         text NOT NULL,
  assigned_at     timestamptz NOT NULL,
  UNIQUE (organization_id, user_id)
);
CREATE INDEX organization_seat_assignments_user_idx ON commerce.organization_seat_assignments (user_id);
