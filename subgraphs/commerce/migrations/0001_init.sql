-- commerce: course prices, plans, orders and their lines, coupons and their redemptions, the
-- provider events already applied, entitlements (what access an order granted), plan
-- subscriptions, refunds, instructor earnings, and the outbox of events to publish after commit.
-- Courses and users live elsewhere; their ids are stored as opaque text. Money is integer minor
-- units with its ISO 4217 currency beside it.

CREATE TABLE commerce.course_prices (
  course_id  text PRIMARY KEY,
  amount     integer NOT NULL CHECK (amount > 0),
  currency   text NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE commerce.plans (
  id          uuid PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  description text NOT NULL,
  interval    text NOT NULL CHECK (interval IN ('MONTH', 'YEAR')),
  amount      integer NOT NULL CHECK (amount > 0),
  currency    text NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE commerce.coupons (
  id               uuid PRIMARY KEY,
  code             text NOT NULL UNIQUE,
  kind             text NOT NULL CHECK (kind IN ('PERCENT', 'AMOUNT')),
  percent_off      integer CHECK (percent_off BETWEEN 1 AND 100),
  amount_off       integer CHECK (amount_off > 0),
  amount_currency  text,
  valid_from       timestamptz NOT NULL,
  valid_until      timestamptz,
  max_redemptions  integer CHECK (max_redemptions >= 1),
  -- Reserved on checkout, released on decline or expiry; never above max_redemptions.
  redemption_count integer NOT NULL DEFAULT 0 CHECK (redemption_count >= 0),
  course_ids       text[] NOT NULL DEFAULT '{}',
  plan_ids         text[] NOT NULL DEFAULT '{}',
  active           boolean NOT NULL DEFAULT true,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL,
  CHECK ((kind = 'PERCENT') = (percent_off IS NOT NULL)),
  CHECK ((kind = 'AMOUNT') = (amount_off IS NOT NULL AND amount_currency IS NOT NULL)),
  CHECK (max_redemptions IS NULL OR redemption_count <= max_redemptions)
);
CREATE INDEX coupons_created_idx ON commerce.coupons (created_at DESC, id);

CREATE SEQUENCE commerce.order_numbers;
CREATE SEQUENCE commerce.receipt_numbers;

CREATE TABLE commerce.orders (
  id                   uuid PRIMARY KEY,
  sequence             bigint NOT NULL UNIQUE DEFAULT nextval('commerce.order_numbers'),
  buyer_id             text NOT NULL,
  buyer_email          text NOT NULL,
  status               text NOT NULL CHECK (status IN ('PENDING', 'PAID', 'DECLINED', 'REFUNDED', 'CANCELED')),
  currency             text NOT NULL,
  subtotal             integer NOT NULL CHECK (subtotal >= 0),
  discount             integer NOT NULL CHECK (discount >= 0),
  total                integer NOT NULL CHECK (total >= 0),
  coupon_id            uuid REFERENCES commerce.coupons (id),
  coupon_code          text,
  provider             text NOT NULL CHECK (provider IN ('TEST', 'STRIPE')),
  provider_checkout_id text,
  provider_payment_id  text,
  checkout_url         text,
  card_last4           text,
  decline_reason       text,
  idempotency_key      text NOT NULL,
  -- What the key was first used for (items and coupon); the same key for anything else is refused.
  request_fingerprint  text NOT NULL,
  receipt_sequence     bigint UNIQUE,
  created_at           timestamptz NOT NULL,
  expires_at           timestamptz NOT NULL,
  paid_at              timestamptz,
  refunded_at          timestamptz,
  canceled_at          timestamptz,
  UNIQUE (buyer_id, idempotency_key)
);
CREATE INDEX orders_buyer_idx ON commerce.orders (buyer_id, created_at DESC, id);
CREATE INDEX orders_pending_idx ON commerce.orders (expires_at) WHERE status = 'PENDING';
CREATE INDEX orders_checkout_idx ON commerce.orders (provider_checkout_id) WHERE provider_checkout_id IS NOT NULL;

CREATE TABLE commerce.order_lines (
  id             uuid PRIMARY KEY,
  order_id       uuid NOT NULL REFERENCES commerce.orders (id) ON DELETE CASCADE,
  position       integer NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('COURSE', 'PLAN')),
  course_id      text,
  plan_id        uuid REFERENCES commerce.plans (id),
  title          text NOT NULL,
  currency       text NOT NULL,
  unit_amount    integer NOT NULL CHECK (unit_amount >= 0),
  discount       integer NOT NULL CHECK (discount >= 0),
  total          integer NOT NULL CHECK (total >= 0),
  -- The course's instructors at checkout: who shares in this line's revenue.
  instructor_ids text[] NOT NULL DEFAULT '{}',
  UNIQUE (order_id, position),
  CHECK ((kind = 'COURSE') = (course_id IS NOT NULL AND plan_id IS NULL)),
  CHECK ((kind = 'PLAN') = (plan_id IS NOT NULL AND course_id IS NULL))
);

CREATE TABLE commerce.coupon_redemptions (
  id         uuid PRIMARY KEY,
  coupon_id  uuid NOT NULL REFERENCES commerce.coupons (id),
  user_id    text NOT NULL,
  order_id   uuid NOT NULL REFERENCES commerce.orders (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  UNIQUE (coupon_id, user_id)
);

-- Provider events already applied, so a redelivery changes nothing.
CREATE TABLE commerce.payment_events (
  event_id     text PRIMARY KEY,
  provider     text NOT NULL,
  type         text NOT NULL,
  order_id     uuid,
  payment_id   text,
  outcome      text NOT NULL,
  processed_at timestamptz NOT NULL
);

CREATE TABLE commerce.entitlements (
  id            uuid PRIMARY KEY,
  user_id       text NOT NULL,
  order_id      uuid NOT NULL REFERENCES commerce.orders (id),
  order_line_id uuid NOT NULL UNIQUE REFERENCES commerce.order_lines (id),
  course_id     text,
  plan_id       uuid REFERENCES commerce.plans (id),
  starts_at     timestamptz NOT NULL,
  expires_at    timestamptz,
  revoked_at    timestamptz,
  CHECK ((course_id IS NULL) <> (plan_id IS NULL))
);
CREATE INDEX entitlements_user_idx ON commerce.entitlements (user_id) WHERE revoked_at IS NULL;

CREATE TABLE commerce.plan_subscriptions (
  id                   uuid PRIMARY KEY,
  user_id              text NOT NULL,
  plan_id              uuid NOT NULL REFERENCES commerce.plans (id),
  -- The order that paid the current period (the first one, then each renewal's).
  order_id             uuid NOT NULL REFERENCES commerce.orders (id),
  -- The grant of the current period (each renewal grants the next one).
  entitlement_id       uuid NOT NULL UNIQUE REFERENCES commerce.entitlements (id),
  status               text NOT NULL CHECK (status IN ('ACTIVE', 'CANCELED', 'ENDED')),
  current_period_start timestamptz NOT NULL,
  current_period_end   timestamptz NOT NULL,
  -- Renews at the period end by charging the saved payment method (test provider only: Stripe
  -- sells a plan as one period, so it never renews there).
  renews               boolean NOT NULL,
  -- The saved payment method renewals charge, and its card's last four digits; null: none saved.
  payment_method_id    text,
  card_last4           text,
  canceled_at          timestamptz,
  ended_at             timestamptz
);
CREATE INDEX plan_subscriptions_user_idx ON commerce.plan_subscriptions (user_id, current_period_end DESC);
CREATE INDEX plan_subscriptions_open_idx ON commerce.plan_subscriptions (current_period_end) WHERE status <> 'ENDED';

CREATE TABLE commerce.refunds (
  id                  uuid PRIMARY KEY,
  order_id            uuid NOT NULL UNIQUE REFERENCES commerce.orders (id),
  requested_by        text NOT NULL,
  amount              integer NOT NULL CHECK (amount >= 0),
  currency            text NOT NULL,
  reason              text NOT NULL,
  idempotency_key     text NOT NULL,
  request_fingerprint text NOT NULL,
  provider_refund_id  text,
  created_at          timestamptz NOT NULL,
  UNIQUE (requested_by, idempotency_key)
);

-- An instructor's share of a course line (SALE), and its negative twin when refunded (REVERSAL).
CREATE TABLE commerce.earnings (
  id            uuid PRIMARY KEY,
  instructor_id text NOT NULL,
  order_id      uuid NOT NULL REFERENCES commerce.orders (id),
  order_line_id uuid NOT NULL REFERENCES commerce.order_lines (id),
  course_id     text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('SALE', 'REVERSAL')),
  amount        integer NOT NULL,
  currency      text NOT NULL,
  created_at    timestamptz NOT NULL,
  UNIQUE (order_line_id, instructor_id, kind)
);
CREATE INDEX earnings_instructor_idx ON commerce.earnings (instructor_id, created_at DESC, id);
CREATE INDEX earnings_created_idx ON commerce.earnings (created_at);

-- Events written in the transaction that caused them and published by the relay after commit
-- (at least once: a row is marked published only after the bus accepted it).
CREATE TABLE commerce.outbox (
  id           uuid PRIMARY KEY,
  sequence     bigserial NOT NULL UNIQUE,
  topic        text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  published_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text
);
CREATE INDEX outbox_unpublished_idx ON commerce.outbox (sequence) WHERE published_at IS NULL;
