/** drizzle-orm mappings of the `commerce` schema (the SQL in migrations/ is the source of truth). */
import { sql } from 'drizzle-orm';
import { bigint, boolean, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const commerceSchema = pgSchema('commerce');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const sequenceNumber = (name: string) => bigint(name, { mode: 'number' });

export type BillingInterval = 'MONTH' | 'YEAR';
export type OrderStatus = 'PENDING' | 'PAID' | 'DECLINED' | 'REFUNDED' | 'CANCELED';
export type ProviderKindColumn = 'TEST' | 'STRIPE';
export type LineKind = 'COURSE' | 'PLAN';
export type CouponKind = 'PERCENT' | 'AMOUNT';
export type SubscriptionStatus = 'ACTIVE' | 'CANCELED' | 'ENDED';
export type EarningKind = 'SALE' | 'REVERSAL';

export const coursePrices = commerceSchema.table('course_prices', {
  courseId: text('course_id').primaryKey(),
  amount: integer('amount').notNull(),
  currency: text('currency').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

export const plans = commerceSchema.table('plans', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  interval: text('interval').$type<BillingInterval>().notNull(),
  amount: integer('amount').notNull(),
  currency: text('currency').notNull(),
  createdAt: timestamptz('created_at').notNull(),
  /** A team plan: sold per seat to an organization. */
  perSeat: boolean('per_seat').notNull().default(false),
});

export const coupons = commerceSchema.table('coupons', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull(),
  kind: text('kind').$type<CouponKind>().notNull(),
  percentOff: integer('percent_off'),
  amountOff: integer('amount_off'),
  amountCurrency: text('amount_currency'),
  validFrom: timestamptz('valid_from').notNull(),
  validUntil: timestamptz('valid_until'),
  maxRedemptions: integer('max_redemptions'),
  redemptionCount: integer('redemption_count').notNull(),
  courseIds: text('course_ids').array().notNull(),
  planIds: text('plan_ids').array().notNull(),
  active: boolean('active').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: timestamptz('created_at').notNull(),
});

export const orders = commerceSchema.table('orders', {
  id: uuid('id').primaryKey(),
  sequence: sequenceNumber('sequence')
    .notNull()
    .default(sql`nextval('commerce.order_numbers')`),
  buyerId: text('buyer_id').notNull(),
  buyerEmail: text('buyer_email').notNull(),
  status: text('status').$type<OrderStatus>().notNull(),
  currency: text('currency').notNull(),
  subtotal: integer('subtotal').notNull(),
  discount: integer('discount').notNull(),
  total: integer('total').notNull(),
  couponId: uuid('coupon_id'),
  couponCode: text('coupon_code'),
  provider: text('provider').$type<ProviderKindColumn>().notNull(),
  providerCheckoutId: text('provider_checkout_id'),
  providerPaymentId: text('provider_payment_id'),
  checkoutUrl: text('checkout_url'),
  cardLast4: text('card_last4'),
  declineReason: text('decline_reason'),
  idempotencyKey: text('idempotency_key').notNull(),
  requestFingerprint: text('request_fingerprint').notNull(),
  receiptSequence: sequenceNumber('receipt_sequence'),
  createdAt: timestamptz('created_at').notNull(),
  expiresAt: timestamptz('expires_at').notNull(),
  paidAt: timestamptz('paid_at'),
  refundedAt: timestamptz('refunded_at'),
  canceledAt: timestamptz('canceled_at'),
  /** The organization a team plan's seats are for; null for anything else. */
  organizationId: text('organization_id'),
});

export const orderLines = commerceSchema.table('order_lines', {
  id: uuid('id').primaryKey(),
  orderId: uuid('order_id').notNull(),
  position: integer('position').notNull(),
  kind: text('kind').$type<LineKind>().notNull(),
  courseId: text('course_id'),
  planId: uuid('plan_id'),
  title: text('title').notNull(),
  currency: text('currency').notNull(),
  unitAmount: integer('unit_amount').notNull(),
  discount: integer('discount').notNull(),
  total: integer('total').notNull(),
  instructorIds: text('instructor_ids').array().notNull(),
  /** Seats of a team plan line (1 otherwise); unitAmount is the line's price for all of them. */
  quantity: integer('quantity').notNull().default(1),
});

export const couponRedemptions = commerceSchema.table('coupon_redemptions', {
  id: uuid('id').primaryKey(),
  couponId: uuid('coupon_id').notNull(),
  userId: text('user_id').notNull(),
  orderId: uuid('order_id').notNull(),
  createdAt: timestamptz('created_at').notNull(),
});

export const paymentEvents = commerceSchema.table('payment_events', {
  eventId: text('event_id').primaryKey(),
  provider: text('provider').notNull(),
  type: text('type').notNull(),
  orderId: uuid('order_id'),
  paymentId: text('payment_id'),
  outcome: text('outcome').notNull(),
  processedAt: timestamptz('processed_at').notNull(),
});

export const entitlements = commerceSchema.table('entitlements', {
  id: uuid('id').primaryKey(),
  userId: text('user_id').notNull(),
  orderId: uuid('order_id').notNull(),
  orderLineId: uuid('order_line_id').notNull(),
  courseId: text('course_id'),
  planId: uuid('plan_id'),
  startsAt: timestamptz('starts_at').notNull(),
  expiresAt: timestamptz('expires_at'),
  revokedAt: timestamptz('revoked_at'),
  /** A team plan's grant: for the organization's seats, no access of the buyer's own. */
  organizationId: text('organization_id'),
});

export const planSubscriptions = commerceSchema.table('plan_subscriptions', {
  id: uuid('id').primaryKey(),
  userId: text('user_id').notNull(),
  planId: uuid('plan_id').notNull(),
  orderId: uuid('order_id').notNull(),
  entitlementId: uuid('entitlement_id').notNull(),
  status: text('status').$type<SubscriptionStatus>().notNull(),
  currentPeriodStart: timestamptz('current_period_start').notNull(),
  currentPeriodEnd: timestamptz('current_period_end').notNull(),
  renews: boolean('renews').notNull(),
  paymentMethodId: text('payment_method_id'),
  cardLast4: text('card_last4'),
  canceledAt: timestamptz('canceled_at'),
  endedAt: timestamptz('ended_at'),
  /** A team subscription: the organization and how many seats; both null otherwise. */
  organizationId: text('organization_id'),
  seats: integer('seats'),
});

export const refunds = commerceSchema.table('refunds', {
  id: uuid('id').primaryKey(),
  orderId: uuid('order_id').notNull(),
  requestedBy: text('requested_by').notNull(),
  amount: integer('amount').notNull(),
  currency: text('currency').notNull(),
  reason: text('reason').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  requestFingerprint: text('request_fingerprint').notNull(),
  providerRefundId: text('provider_refund_id'),
  createdAt: timestamptz('created_at').notNull(),
});

export const earnings = commerceSchema.table('earnings', {
  id: uuid('id').primaryKey(),
  instructorId: text('instructor_id').notNull(),
  orderId: uuid('order_id').notNull(),
  orderLineId: uuid('order_line_id').notNull(),
  courseId: text('course_id').notNull(),
  kind: text('kind').$type<EarningKind>().notNull(),
  amount: integer('amount').notNull(),
  currency: text('currency').notNull(),
  createdAt: timestamptz('created_at').notNull(),
});

export const outbox = commerceSchema.table('outbox', {
  id: uuid('id').primaryKey(),
  sequence: sequenceNumber('sequence')
    .notNull()
    .default(sql`nextval('commerce.outbox_sequence_seq')`),
  topic: text('topic').notNull(),
  payload: jsonb('payload').$type<unknown>().notNull(),
  createdAt: timestamptz('created_at').notNull(),
  publishedAt: timestamptz('published_at'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
});

export const seatOrganizations = commerceSchema.table('seat_organizations', {
  organizationId: text('organization_id').primaryKey(),
  createdAt: timestamptz('created_at').notNull(),
});

export const seatAssignments = commerceSchema.table('organization_seat_assignments', {
  id: uuid('id').primaryKey(),
  organizationId: text('organization_id').notNull(),
  userId: text('user_id').notNull(),
  assignedAt: timestamptz('assigned_at').notNull(),
});
