/**
 * The commerce store port (prices, plans, coupons, orders, entitlements, subscriptions, refunds,
 * earnings, the outbox) and its adapter over the kit's database (PostgreSQL or PGlite through
 * drizzle-orm). Every change that grants or takes away access, or moves money, happens in one
 * transaction together with the outbox rows announcing it, under a row lock on the order, so a
 * repeated or concurrent delivery of the same payment event changes nothing the second time.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Drizzle, PageRequest } from '@learncraft/kit';
import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  gt,
  gte,
  inArray,
  isNull,
  lt,
  lte,
  ne,
  notInArray,
  or,
  sql,
} from 'drizzle-orm';
import type { Money } from '../domain/money';
import { periodEnd } from '../domain/periods';
import { seatsTitle } from '../domain/pricing';
import type { RevenueSplit } from '../domain/revenue';
import type { PaymentEvent } from '../providers/types';
import {
  couponRedemptions,
  coupons,
  coursePrices,
  earnings,
  entitlements,
  orderLines,
  orders,
  outbox,
  paymentEvents,
  planSubscriptions,
  plans,
  refunds,
  seatAssignments,
  seatOrganizations,
  type LineKind,
  type OrderStatus,
  type ProviderKindColumn,
} from './tables';

export type CoursePriceRecord = typeof coursePrices.$inferSelect;
export type PlanRecord = typeof plans.$inferSelect;
export type CouponRecord = typeof coupons.$inferSelect;
export type OrderRecord = typeof orders.$inferSelect;
export type OrderLineRecord = typeof orderLines.$inferSelect;
export type EntitlementRecord = typeof entitlements.$inferSelect;
export type SubscriptionRecord = typeof planSubscriptions.$inferSelect;
export type RefundRecord = typeof refunds.$inferSelect;
export type EarningRecord = typeof earnings.$inferSelect;
export type OutboxRecord = typeof outbox.$inferSelect;
export type SeatAssignmentRecord = typeof seatAssignments.$inferSelect;

type Tx = Parameters<Parameters<Drizzle['transaction']>[0]>[0];

/** An event to publish after the commit of the transaction that wrote it. */
export interface OutboxEvent {
  topic: string;
  payload: unknown;
}

export interface NewOrderLine {
  kind: LineKind;
  courseId: string | null;
  planId: string | null;
  title: string;
  unitPrice: Money;
  discount: Money;
  total: Money;
  instructorIds: string[];
  /** Seats of a team plan line; 1 (the default) for anything else. */
  quantity?: number;
}

export interface NewOrder {
  buyerId: string;
  buyerEmail: string;
  currency: string;
  subtotal: number;
  discount: number;
  total: number;
  coupon: { id: string; code: string } | null;
  provider: ProviderKindColumn;
  idempotencyKey: string;
  requestFingerprint: string;
  lines: NewOrderLine[];
  at: Date;
  expiresAt: Date;
  /** The organization a team plan's seats are for; null otherwise. */
  organizationId?: string | null;
}

export type CreateOrderResult =
  | { kind: 'CREATED'; order: OrderRecord }
  /** The buyer already used this idempotency key: the order it made. */
  | { kind: 'EXISTING'; order: OrderRecord }
  | { kind: 'COUPON_EXHAUSTED' }
  | { kind: 'COUPON_ALREADY_USED' };

/** What applying a provider event did. */
export type PaymentOutcome =
  | 'PAID'
  | 'DECLINED'
  | 'CANCELED'
  | 'DUPLICATE'
  | 'IGNORED'
  | 'AMOUNT_MISMATCH'
  | 'UNKNOWN_ORDER'
  /**
   * A success for a CANCELED order whose items the buyer already owns through another order:
   * nothing was written; the payment is to be refunded (see refundPaidTwice).
   */
  | 'PAID_TWICE'
  /** Such a payment, refunded automatically. */
  | 'REFUNDED';

/** The automatic refund of a payment for an unpaid order the buyer had paid through another. */
export interface PaidTwiceRefund {
  reason: string;
  idempotencyKey: string;
  /** Null for a free order: nothing went through the provider. */
  providerRefundId: string | null;
  at: Date;
  /** Who the refund is recorded as requested by. */
  requestedBy: string;
}

export interface PaymentContext {
  provider: ProviderKindColumn;
  at: Date;
  /** Splits a course line's total among its instructors and the platform. */
  split(lineTotal: Money, instructorIds: string[]): RevenueSplit;
  /** Events for the order once paid (entitlement.changed per grant, order.paid). */
  paidEvents(order: OrderRecord, granted: EntitlementRecord[]): OutboxEvent[];
}

export interface RenewalOutcome {
  orderId: string;
  subscriptionId: string;
  result:
    { kind: 'PAID'; paymentId: string } | { kind: 'DECLINED'; paymentId: string | null; reason: string };
  at: Date;
  /** Events for the paid renewal (entitlement.changed GRANTED, order.paid). */
  paidEvents(order: OrderRecord, granted: EntitlementRecord[]): OutboxEvent[];
  /** Events for the ended subscription (entitlement.changed REVOKED, also to its seat holders). */
  endedEvents(subscription: SubscriptionRecord, seatHolders: string[]): OutboxEvent[];
}

export interface RefundInput {
  orderId: string;
  requestedBy: string;
  reason: string;
  idempotencyKey: string;
  requestFingerprint: string;
  providerRefundId: string | null;
  at: Date;
  /**
   * Events for the refunded order (entitlement.changed per revoked grant and, for a team plan, to
   * each holder of the organization's seats; order.refunded).
   */
  events(order: OrderRecord, revoked: EntitlementRecord[], seatHolders: string[]): OutboxEvent[];
}

export type RefundResult =
  | { kind: 'REFUNDED'; order: OrderRecord }
  | { kind: 'EXISTING'; refund: RefundRecord }
  | { kind: 'ALREADY_REFUNDED' }
  | { kind: 'NOT_PAID' };

export interface PayoutRow {
  instructorId: string;
  currency: string;
  amount: number;
  salesCount: number;
  refundCount: number;
}

/** An organization's seats now: bought in its active team subscriptions, and until when. */
export interface TeamSeats {
  total: number;
  /** The earliest current period end of those subscriptions; null without any. */
  expiresAt: Date | null;
}

export interface SeatAssignInput {
  organizationId: string;
  userId: string;
  /** The organization's members now (identity's directory): other holders' seats are dropped. */
  memberIds: readonly string[];
  at: Date;
  /** Events for a seat taken (entitlement.changed GRANTED) or dropped (REVOKED). */
  events(assignment: SeatAssignmentRecord, change: 'GRANTED' | 'REVOKED'): OutboxEvent[];
}

export type SeatAssignResult =
  | { kind: 'ASSIGNED' | 'ALREADY_ASSIGNED'; total: number; used: number }
  | { kind: 'NO_SEATS' }
  | { kind: 'SEATS_EXHAUSTED'; total: number; used: number }
  | { kind: 'NOT_A_MEMBER' };

/** What the relay did with a batch: rows published, and the first that failed (it stops there). */
export interface PublishReport {
  published: string[];
  failure: { id: string; error: string } | null;
}

export interface CommerceStore {
  pricesByCourses(courseIds: readonly string[]): Promise<CoursePriceRecord[]>;
  /** Sets (or with null clears) a course's price. */
  setPrice(courseId: string, price: Money | null, by: string, at: Date): Promise<void>;
  /** Sets a price only where the course has none; true when it did. */
  insertPriceIfAbsent(courseId: string, price: Money, by: string, at: Date): Promise<boolean>;

  ensurePlans(entries: Omit<PlanRecord, 'id' | 'createdAt'>[], at: Date): Promise<void>;
  plans(): Promise<PlanRecord[]>;
  plansByIds(ids: readonly string[]): Promise<PlanRecord[]>;

  couponByCode(code: string): Promise<CouponRecord | null>;
  couponsByIds(ids: readonly string[]): Promise<CouponRecord[]>;
  /** null when the code is taken. */
  insertCoupon(coupon: Omit<CouponRecord, 'id' | 'redemptionCount' | 'active'>): Promise<CouponRecord | null>;
  /** Newest first; `createdBy` null: every coupon. */
  couponPage(createdBy: string | null, page: PageRequest): Promise<CouponRecord[]>;
  couponCount(createdBy: string | null): Promise<number>;
  deactivateCoupon(id: string): Promise<CouponRecord | null>;
  hasRedeemed(couponId: string, userId: string): Promise<boolean>;

  orderByIdempotencyKey(buyerId: string, key: string): Promise<OrderRecord | null>;
  ordersByIds(ids: readonly string[]): Promise<OrderRecord[]>;
  linesByOrders(orderIds: readonly string[]): Promise<OrderLineRecord[]>;
  /** A page of each buyer's orders, newest first, in one query. */
  orderPages(buyerIds: readonly string[], page: PageRequest): Promise<OrderRecord[]>;
  orderCounts(buyerIds: readonly string[]): Promise<{ buyerId: string; count: number }[]>;
  /** The order, its lines and its coupon reservation, in one transaction. */
  createOrder(input: NewOrder): Promise<CreateOrderResult>;
  /** A PENDING order waits for the provider's hosted checkout. */
  markAwaitingPayment(orderId: string, checkoutId: string, checkoutUrl: string): Promise<void>;
  /** The buyer's PENDING orders with a line for one of these courses or, with `anyPlan`, a plan line. */
  pendingOrdersOverlapping(
    buyerId: string,
    courseIds: readonly string[],
    anyPlan: boolean,
  ): Promise<OrderRecord[]>;
  /** PENDING → DECLINED or CANCELED, releasing the coupon; false when it was not PENDING. */
  closeUnpaid(
    orderId: string,
    status: 'DECLINED' | 'CANCELED',
    detail: { reason: string | null; paymentId: string | null; at: Date },
  ): Promise<boolean>;
  applyPaymentEvent(event: PaymentEvent, context: PaymentContext): Promise<PaymentOutcome>;
  /**
   * Records the refund of a `PAID_TWICE` success: the unpaid order becomes REFUNDED, granting
   * nothing, and the event counts as applied. REFUNDED, or DUPLICATE/IGNORED when already done.
   */
  refundPaidTwice(
    event: Extract<PaymentEvent, { type: 'payment.succeeded' }>,
    refund: PaidTwiceRefund,
    provider: ProviderKindColumn,
  ): Promise<PaymentOutcome>;
  /** PENDING orders past their expiry become CANCELED (coupons released); how many. */
  expirePending(now: Date): Promise<number>;

  /** The user's unrevoked course grants for these courses and plan grants that cover `now`. */
  activeEntitlements(userId: string, courseIds: readonly string[], now: Date): Promise<EntitlementRecord[]>;
  /** The user's subscription not yet ended whose period covers `now`. */
  currentSubscription(userId: string, now: Date): Promise<SubscriptionRecord | null>;
  subscriptionsByIds(ids: readonly string[]): Promise<SubscriptionRecord[]>;
  /** ACTIVE → CANCELED (renews false); null when it is not ACTIVE. */
  cancelSubscription(id: string, at: Date): Promise<SubscriptionRecord | null>;
  /** ACTIVE subscriptions that renew whose period ended: their ids, oldest period end first. */
  dueRenewals(now: Date): Promise<string[]>;
  /**
   * Under the subscription's row lock: its renewal order for the period that ended (one plan
   * line at the plan's current price, idempotency key `renewal:<id>:<period end ISO>`), created
   * PENDING, or an earlier PENDING one opened before `staleBefore` (a crashed sweep's: charge it
   * again with the same key). null when it is not due or another sweep is charging it.
   */
  openRenewal(
    subscriptionId: string,
    now: Date,
    staleBefore: Date,
  ): Promise<{ order: OrderRecord; subscription: SubscriptionRecord; plan: PlanRecord } | null>;
  /**
   * Settles a PENDING renewal order in one transaction: PAID extends the subscription by one
   * interval with a new grant (no earnings: plan revenue stays with the platform); DECLINED ends
   * it and revokes its grant. The events go to the outbox. null when the order was not PENDING.
   */
  completeRenewal(input: RenewalOutcome): Promise<'RENEWED' | 'ENDED' | null>;
  /**
   * Subscriptions whose period ended and that do not renew (CANCELED, or sold as one period)
   * become ENDED, announcing the revoked grant; how many.
   */
  endLapsedSubscriptions(
    now: Date,
    events: (subscription: SubscriptionRecord, seatHolders: string[]) => OutboxEvent[],
  ): Promise<number>;

  /** The organization's seats in its team subscriptions covering `now`. */
  teamSeats(organizationId: string, now: Date): Promise<TeamSeats>;
  /** teamSeats of many organizations in one query (organizations without seats are absent). */
  teamSeatsByOrganizations(
    organizationIds: readonly string[],
    now: Date,
  ): Promise<(TeamSeats & { organizationId: string })[]>;
  /** Who holds the organization's seats (members or not: callers intersect with the directory). */
  seatHolders(organizationId: string): Promise<string[]>;
  /** The seat holders of many organizations in one query. */
  seatHoldersByOrganizations(
    organizationIds: readonly string[],
  ): Promise<{ organizationId: string; userId: string }[]>;
  /**
   * The user's seats in organizations with seats covering `now`, and when each organization's
   * latest subscription period ends.
   */
  seatHoldings(userId: string, now: Date): Promise<{ organizationId: string; expiresAt: Date }[]>;
  /**
   * Gives the user one of the organization's seats, under the organization's row lock: seats of
   * non-members are dropped first; a holder keeps theirs (ALREADY_ASSIGNED); NO_SEATS without
   * seats covering `at`; SEATS_EXHAUSTED when every seat is held. Events go to the outbox.
   */
  assignSeat(input: SeatAssignInput): Promise<SeatAssignResult>;

  refundByIdempotencyKey(requestedBy: string, key: string): Promise<RefundRecord | null>;
  refundsByOrders(orderIds: readonly string[]): Promise<RefundRecord[]>;
  applyRefund(input: RefundInput): Promise<RefundResult>;

  earningTotals(instructorId: string): Promise<Money[]>;
  /** Sales (SALE rows' distinct order lines) not reversed. */
  salesCount(instructorId: string): Promise<number>;
  earningPage(instructorId: string, page: PageRequest): Promise<EarningRecord[]>;
  earningCount(instructorId: string): Promise<number>;
  /** Per instructor and currency: net earnings, sales and reversals created in [from, to). */
  payouts(from: Date, to: Date): Promise<PayoutRow[]>;
  /** What buyers paid for orders paid in [from, to), per currency. */
  grossSales(from: Date, to: Date): Promise<Money[]>;
  /** What was refunded in [from, to), per currency. */
  refundedAmounts(from: Date, to: Date): Promise<Money[]>;

  /**
   * Unpublished outbox rows, oldest first, handed to `work`; PostgreSQL: locked (SKIP LOCKED)
   * while it runs, so two replicas never publish the same row at once. Marks what `work` reports.
   */
  withUnpublished(limit: number, work: (rows: OutboxRecord[]) => Promise<PublishReport>): Promise<void>;
  unpublishedCount(): Promise<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);
const uuids = (ids: readonly string[]) => ids.filter(isUuid);

/** Ends a transaction with a rollback while handing back a result. */
class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super('rollback');
  }
}

async function rollbackable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Rollback) return error.result as T;
    throw error;
  }
}

async function writeOutbox(tx: Tx, events: OutboxEvent[], at: Date): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outbox).values(
    events.map((event) => ({
      id: randomUUID(),
      topic: event.topic,
      payload: event.payload,
      createdAt: at,
    })),
  );
}

/** Gives the coupon reservation of an order back (decline, expiry). */
async function releaseCoupon(tx: Tx, order: OrderRecord): Promise<void> {
  if (!order.couponId) return;
  const released = await tx
    .delete(couponRedemptions)
    .where(eq(couponRedemptions.orderId, order.id))
    .returning({ id: couponRedemptions.id });
  if (released.length === 0) return;
  await tx
    .update(coupons)
    .set({ redemptionCount: sql`greatest(${coupons.redemptionCount} - 1, 0)` })
    .where(eq(coupons.id, order.couponId));
}

/**
 * Takes the coupon reservation of a canceled or declined order back when it is paid after all:
 * the buyer paid the discounted total, so the redemption counts (even past maxRedemptions: the
 * money is taken, and the count must say how often the coupon was honoured).
 */
async function reclaimCoupon(tx: Tx, order: OrderRecord, at: Date): Promise<void> {
  if (!order.couponId) return;
  const reclaimed = await tx
    .insert(couponRedemptions)
    .values({
      id: randomUUID(),
      couponId: order.couponId,
      userId: order.buyerId,
      orderId: order.id,
      createdAt: at,
    })
    .onConflictDoNothing()
    .returning({ id: couponRedemptions.id });
  if (reclaimed.length === 0) return;
  await tx
    .update(coupons)
    .set({ redemptionCount: sql`${coupons.redemptionCount} + 1` })
    .where(eq(coupons.id, order.couponId));
}

/** A user's unrevoked grants of these courses, and plan grants covering `now` (which cover every course). */
const ownedClause = (userId: string, courseIds: readonly string[], now: Date) =>
  and(
    eq(entitlements.userId, userId),
    isNull(entitlements.revokedAt),
    // A team plan's grant is the organization's (its seats), not the buyer's own access.
    isNull(entitlements.organizationId),
    or(
      courseIds.length > 0 ? inArray(entitlements.courseId, [...courseIds]) : sql`false`,
      and(
        sql`${entitlements.planId} IS NOT NULL`,
        lte(entitlements.startsAt, now),
        gt(entitlements.expiresAt, now),
      ),
    ),
  );

/**
 * Whether the buyer already owns an item of the order through another order's grant. With
 * `exact`, a plan grant owns only a plan line (a course bought on purpose is not refunded because
 * a plan happens to cover it today); otherwise a plan grant covering now owns every line.
 */
async function ownedElsewhere(tx: Tx, order: OrderRecord, now: Date, exact = false): Promise<boolean> {
  // Seats bought twice are more seats, never a double payment.
  if (order.organizationId !== null) return false;
  const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, order.id));
  const courseIds = lines.flatMap((line) => line.courseId ?? []);
  const owns = exact
    ? and(
        ownedClause(order.buyerId, courseIds, now),
        lines.some((line) => line.planId !== null) ? undefined : sql`${entitlements.courseId} IS NOT NULL`,
      )
    : ownedClause(order.buyerId, courseIds, now);
  const [owned] = await tx
    .select({ id: entitlements.id })
    .from(entitlements)
    .where(and(owns, ne(entitlements.orderId, order.id)))
    .limit(1);
  return !!owned;
}

/** Subscriptions the sweep renews at their period end. */
const renewing = and(eq(planSubscriptions.status, 'ACTIVE'), eq(planSubscriptions.renews, true));
/** Subscriptions that end at their period end. */
const lapsing = and(
  ne(planSubscriptions.status, 'ENDED'),
  or(eq(planSubscriptions.status, 'CANCELED'), eq(planSubscriptions.renews, false)),
);

/** Team subscriptions whose period covers `now`. */
const activeTeamSubscriptions = (now: Date) =>
  and(
    sql`${planSubscriptions.organizationId} IS NOT NULL`,
    ne(planSubscriptions.status, 'ENDED'),
    lte(planSubscriptions.currentPeriodStart, now),
    gt(planSubscriptions.currentPeriodEnd, now),
  );

/** Who holds seats of the organization of a team subscription (none for a personal one). */
async function holdersOf(tx: Tx | Drizzle, organizationId: string | null): Promise<string[]> {
  if (organizationId === null) return [];
  const rows = await tx
    .select({ userId: seatAssignments.userId })
    .from(seatAssignments)
    .where(eq(seatAssignments.organizationId, organizationId));
  return rows.map((row) => row.userId);
}

/** Paid or refunded: no payment event changes it any more. */
const settled = (order: OrderRecord) => order.status === 'PAID' || order.status === 'REFUNDED';

async function lockOrder(tx: Tx, orderId: string): Promise<OrderRecord | undefined> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  return order;
}

export function createCommerceStore(db: Database): CommerceStore {
  const orm = db.drizzle;
  const byCreator = (createdBy: string | null) =>
    createdBy === null ? undefined : eq(coupons.createdBy, createdBy);

  const grant = async (
    tx: Tx,
    order: OrderRecord,
    context: PaymentContext,
    paymentMethodId: string | null,
  ): Promise<EntitlementRecord[]> => {
    const lines = await tx
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, order.id))
      .orderBy(asc(orderLines.position));
    const planRows = await tx
      .select()
      .from(plans)
      .where(
        inArray(
          plans.id,
          lines.flatMap((line) => line.planId ?? []),
        ),
      );
    const granted: EntitlementRecord[] = [];
    for (const line of lines) {
      const plan = planRows.find((candidate) => candidate.id === line.planId);
      const expiresAt = plan ? periodEnd(context.at, plan.interval) : null;
      const [entitlement] = await tx
        .insert(entitlements)
        .values({
          id: randomUUID(),
          userId: order.buyerId,
          orderId: order.id,
          orderLineId: line.id,
          courseId: line.courseId,
          planId: line.planId,
          startsAt: context.at,
          expiresAt,
          organizationId: line.planId !== null ? order.organizationId : null,
        })
        .onConflictDoNothing()
        .returning();
      if (!entitlement) continue;
      granted.push(entitlement);
      if (plan && expiresAt) {
        await tx.insert(planSubscriptions).values({
          id: randomUUID(),
          userId: order.buyerId,
          planId: plan.id,
          orderId: order.id,
          entitlementId: entitlement.id,
          status: 'ACTIVE',
          currentPeriodStart: context.at,
          currentPeriodEnd: expiresAt,
          // Renewals charge the saved payment method: without one (Stripe, a free order) the
          // plan is sold as one period.
          renews: paymentMethodId !== null,
          paymentMethodId,
          cardLast4: paymentMethodId !== null ? order.cardLast4 : null,
          organizationId: order.organizationId,
          seats: order.organizationId !== null ? line.quantity : null,
        });
        if (order.organizationId !== null) {
          await tx
            .insert(seatOrganizations)
            .values({ organizationId: order.organizationId, createdAt: context.at })
            .onConflictDoNothing();
        }
      }
      // Plan revenue stays with the platform: a plan is not one course's sale.
      if (line.kind !== 'COURSE' || !line.courseId) continue;
      const split = context.split({ amount: line.total, currency: line.currency }, line.instructorIds);
      const shares = split.instructorShares.filter((share) => share.amount.amount > 0);
      if (shares.length === 0) continue;
      await tx
        .insert(earnings)
        .values(
          shares.map((share) => ({
            id: randomUUID(),
            instructorId: share.instructorId,
            orderId: order.id,
            orderLineId: line.id,
            courseId: line.courseId ?? '',
            kind: 'SALE' as const,
            amount: share.amount.amount,
            currency: share.amount.currency,
            createdAt: context.at,
          })),
        )
        .onConflictDoNothing();
    }
    return granted;
  };

  const teamSeatsOf = async (organizationIds: readonly string[], now: Date) => {
    if (organizationIds.length === 0) return [];
    const rows = await orm
      .select({
        organizationId: sql<string>`${planSubscriptions.organizationId}`,
        total: sql<string>`sum(${planSubscriptions.seats})`,
        expiresAt: sql<Date | string>`min(${planSubscriptions.currentPeriodEnd})`,
      })
      .from(planSubscriptions)
      .where(
        and(inArray(planSubscriptions.organizationId, [...organizationIds]), activeTeamSubscriptions(now)),
      )
      .groupBy(planSubscriptions.organizationId);
    return rows.map((row) => ({
      organizationId: row.organizationId,
      total: Number(row.total),
      expiresAt: new Date(row.expiresAt),
    }));
  };

  return {
    pricesByCourses: async (courseIds) =>
      courseIds.length === 0
        ? []
        : orm
            .select()
            .from(coursePrices)
            .where(inArray(coursePrices.courseId, [...courseIds])),

    async setPrice(courseId, price, by, at) {
      if (!price) {
        await orm.delete(coursePrices).where(eq(coursePrices.courseId, courseId));
        return;
      }
      const values = {
        courseId,
        amount: price.amount,
        currency: price.currency,
        updatedBy: by,
        updatedAt: at,
      };
      await orm
        .insert(coursePrices)
        .values(values)
        .onConflictDoUpdate({ target: coursePrices.courseId, set: { ...values } });
    },

    async insertPriceIfAbsent(courseId, price, by, at) {
      const written = await orm
        .insert(coursePrices)
        .values({ courseId, amount: price.amount, currency: price.currency, updatedBy: by, updatedAt: at })
        .onConflictDoNothing()
        .returning({ courseId: coursePrices.courseId });
      return written.length > 0;
    },

    async ensurePlans(entries, at) {
      if (entries.length === 0) return;
      await orm
        .insert(plans)
        .values(entries.map((entry) => ({ ...entry, id: randomUUID(), createdAt: at })))
        .onConflictDoNothing({ target: plans.code });
    },

    plans: () => orm.select().from(plans).orderBy(asc(plans.amount), asc(plans.code)),

    plansByIds: async (ids) =>
      uuids(ids).length === 0
        ? []
        : orm
            .select()
            .from(plans)
            .where(inArray(plans.id, uuids(ids))),

    async couponByCode(code) {
      const [coupon] = await orm.select().from(coupons).where(eq(coupons.code, code.toUpperCase()));
      return coupon ?? null;
    },

    couponsByIds: async (ids) =>
      uuids(ids).length === 0
        ? []
        : orm
            .select()
            .from(coupons)
            .where(inArray(coupons.id, uuids(ids))),

    async insertCoupon(coupon) {
      const [written] = await orm
        .insert(coupons)
        .values({ ...coupon, id: randomUUID(), redemptionCount: 0, active: true })
        .onConflictDoNothing({ target: coupons.code })
        .returning();
      return written ?? null;
    },

    couponPage: (createdBy, page) =>
      orm
        .select()
        .from(coupons)
        .where(byCreator(createdBy))
        .orderBy(desc(coupons.createdAt), desc(coupons.id))
        .limit(page.limit)
        .offset(page.offset),

    async couponCount(createdBy) {
      const [row] = await orm.select({ n: count() }).from(coupons).where(byCreator(createdBy));
      return row?.n ?? 0;
    },

    async deactivateCoupon(id) {
      if (!isUuid(id)) return null;
      const [coupon] = await orm.update(coupons).set({ active: false }).where(eq(coupons.id, id)).returning();
      return coupon ?? null;
    },

    async hasRedeemed(couponId, userId) {
      const [row] = await orm
        .select({ id: couponRedemptions.id })
        .from(couponRedemptions)
        .where(and(eq(couponRedemptions.couponId, couponId), eq(couponRedemptions.userId, userId)));
      return !!row;
    },

    async orderByIdempotencyKey(buyerId, key) {
      const [order] = await orm
        .select()
        .from(orders)
        .where(and(eq(orders.buyerId, buyerId), eq(orders.idempotencyKey, key)));
      return order ?? null;
    },

    ordersByIds: async (ids) =>
      uuids(ids).length === 0
        ? []
        : orm
            .select()
            .from(orders)
            .where(inArray(orders.id, uuids(ids))),

    linesByOrders: async (orderIds) =>
      uuids(orderIds).length === 0
        ? []
        : orm
            .select()
            .from(orderLines)
            .where(inArray(orderLines.orderId, uuids(orderIds)))
            .orderBy(asc(orderLines.position)),

    async orderPages(buyerIds, page) {
      if (buyerIds.length === 0 || page.limit === 0) return [];
      const ranked = orm
        .select({
          ...getTableColumns(orders),
          rank: sql<number>`row_number() over (partition by ${orders.buyerId} order by ${orders.createdAt} desc, ${orders.sequence} desc)`.as(
            'rank',
          ),
        })
        .from(orders)
        .where(inArray(orders.buyerId, [...buyerIds]))
        .as('ranked');
      const rows = await orm
        .select()
        .from(ranked)
        .where(and(gt(ranked.rank, page.offset), lte(ranked.rank, page.offset + page.limit)))
        .orderBy(asc(ranked.buyerId), asc(ranked.rank));
      return rows.map(({ rank: _rank, ...row }) => row);
    },

    orderCounts: async (buyerIds) =>
      buyerIds.length === 0
        ? []
        : orm
            .select({ buyerId: orders.buyerId, count: count() })
            .from(orders)
            .where(inArray(orders.buyerId, [...buyerIds]))
            .groupBy(orders.buyerId),

    createOrder: (input) =>
      rollbackable(() =>
        orm.transaction(async (tx): Promise<CreateOrderResult> => {
          const id = randomUUID();
          const [order] = await tx
            .insert(orders)
            .values({
              id,
              buyerId: input.buyerId,
              buyerEmail: input.buyerEmail,
              status: 'PENDING',
              currency: input.currency,
              subtotal: input.subtotal,
              discount: input.discount,
              total: input.total,
              couponId: input.coupon?.id ?? null,
              couponCode: input.coupon?.code ?? null,
              provider: input.provider,
              idempotencyKey: input.idempotencyKey,
              requestFingerprint: input.requestFingerprint,
              createdAt: input.at,
              expiresAt: input.expiresAt,
              organizationId: input.organizationId ?? null,
            })
            .onConflictDoNothing({ target: [orders.buyerId, orders.idempotencyKey] })
            .returning();
          if (!order) {
            const [existing] = await tx
              .select()
              .from(orders)
              .where(and(eq(orders.buyerId, input.buyerId), eq(orders.idempotencyKey, input.idempotencyKey)));
            if (!existing) throw new Error('the idempotency key conflicted with no order');
            return { kind: 'EXISTING', order: existing };
          }
          await tx.insert(orderLines).values(
            input.lines.map((line, position) => ({
              id: randomUUID(),
              orderId: id,
              position,
              kind: line.kind,
              courseId: line.courseId,
              planId: line.planId,
              title: line.title,
              currency: line.unitPrice.currency,
              unitAmount: line.unitPrice.amount,
              discount: line.discount.amount,
              total: line.total.amount,
              instructorIds: line.instructorIds,
              quantity: line.quantity ?? 1,
            })),
          );
          if (input.coupon) {
            // The conditional update is the reservation: of concurrent checkouts for the last
            // redemption, the row lock lets one through and the others see the new count.
            const reserved = await tx
              .update(coupons)
              .set({ redemptionCount: sql`${coupons.redemptionCount} + 1` })
              .where(
                and(
                  eq(coupons.id, input.coupon.id),
                  eq(coupons.active, true),
                  or(isNull(coupons.maxRedemptions), lt(coupons.redemptionCount, coupons.maxRedemptions)),
                ),
              )
              .returning({ id: coupons.id });
            if (reserved.length === 0) throw new Rollback<CreateOrderResult>({ kind: 'COUPON_EXHAUSTED' });
            const redeemed = await tx
              .insert(couponRedemptions)
              .values({
                id: randomUUID(),
                couponId: input.coupon.id,
                userId: input.buyerId,
                orderId: id,
                createdAt: input.at,
              })
              .onConflictDoNothing()
              .returning({ id: couponRedemptions.id });
            if (redeemed.length === 0) throw new Rollback<CreateOrderResult>({ kind: 'COUPON_ALREADY_USED' });
          }
          return { kind: 'CREATED', order };
        }),
      ),

    async markAwaitingPayment(orderId, checkoutId, checkoutUrl) {
      await orm
        .update(orders)
        .set({ providerCheckoutId: checkoutId, checkoutUrl })
        .where(and(eq(orders.id, orderId), eq(orders.status, 'PENDING')));
    },

    async pendingOrdersOverlapping(buyerId, courseIds, anyPlan) {
      if (courseIds.length === 0 && !anyPlan) return [];
      return orm
        .selectDistinct(getTableColumns(orders))
        .from(orders)
        .innerJoin(orderLines, eq(orderLines.orderId, orders.id))
        .where(
          and(
            eq(orders.buyerId, buyerId),
            eq(orders.status, 'PENDING'),
            or(
              courseIds.length > 0 ? inArray(orderLines.courseId, [...courseIds]) : sql`false`,
              // Personal plans only: seats bought twice are more seats.
              anyPlan
                ? and(sql`${orderLines.planId} IS NOT NULL`, isNull(orders.organizationId))
                : sql`false`,
            ),
          ),
        );
    },

    closeUnpaid: (orderId, status, detail) =>
      orm.transaction(async (tx) => {
        const order = await lockOrder(tx, orderId);
        if (!order || order.status !== 'PENDING') return false;
        await tx
          .update(orders)
          .set({
            status,
            declineReason: status === 'DECLINED' ? detail.reason : null,
            providerPaymentId: detail.paymentId ?? order.providerPaymentId,
            canceledAt: detail.at,
          })
          .where(eq(orders.id, orderId));
        await releaseCoupon(tx, order);
        return true;
      }),

    applyPaymentEvent: (event, context) =>
      orm.transaction(async (tx): Promise<PaymentOutcome> => {
        const orderId = 'orderId' in event && isUuid(event.orderId) ? event.orderId : null;
        const order = orderId ? await lockOrder(tx, orderId) : undefined;
        const record = async (outcome: PaymentOutcome) => {
          const written = await tx
            .insert(paymentEvents)
            .values({
              eventId: event.eventId,
              provider: context.provider,
              type: event.type,
              orderId: order?.id ?? null,
              paymentId: event.paymentId,
              outcome,
              processedAt: context.at,
            })
            .onConflictDoNothing()
            .returning({ eventId: paymentEvents.eventId });
          return written.length > 0;
        };
        const [seen] = await tx
          .select({ eventId: paymentEvents.eventId })
          .from(paymentEvents)
          .where(eq(paymentEvents.eventId, event.eventId));
        if (seen) return 'DUPLICATE';
        if (event.type === 'refund.succeeded') return (await record('IGNORED')) ? 'IGNORED' : 'DUPLICATE';
        if (!order) return (await record('UNKNOWN_ORDER')) ? 'UNKNOWN_ORDER' : 'DUPLICATE';
        // Out of order and repeated deliveries: once paid (or refunded) nothing changes it.
        if (settled(order)) {
          return (await record('IGNORED')) ? 'IGNORED' : 'DUPLICATE';
        }
        if (event.type === 'payment.succeeded') {
          if (event.amount.amount !== order.total || event.amount.currency !== order.currency) {
            return (await record('AMOUNT_MISMATCH')) ? 'AMOUNT_MISMATCH' : 'DUPLICATE';
          }
          // A superseded checkout paid after all, or two checkouts of the same course opened at
          // once and both paid: the buyer would pay twice for what they own.
          if (await ownedElsewhere(tx, order, context.at, order.status === 'PENDING')) return 'PAID_TWICE';
          if (!(await record('PAID'))) return 'DUPLICATE';
          const [paid] = await tx
            .update(orders)
            .set({
              status: 'PAID',
              paidAt: context.at,
              providerPaymentId: event.paymentId,
              cardLast4: event.cardLast4 ?? order.cardLast4,
              declineReason: null,
              canceledAt: null,
              receiptSequence: sql`nextval('commerce.receipt_numbers')`,
            })
            .where(eq(orders.id, order.id))
            .returning();
          if (!paid) throw new Error(`order ${order.id} vanished while locked`);
          if (order.status !== 'PENDING') await reclaimCoupon(tx, order, context.at);
          const granted = await grant(tx, paid, context, event.paymentMethodId ?? null);
          await writeOutbox(tx, context.paidEvents(paid, granted), context.at);
          return 'PAID';
        }
        if (order.status !== 'PENDING') return (await record('IGNORED')) ? 'IGNORED' : 'DUPLICATE';
        const status = event.type === 'payment.failed' ? 'DECLINED' : 'CANCELED';
        if (!(await record(status))) return 'DUPLICATE';
        await tx
          .update(orders)
          .set({
            status,
            declineReason: event.type === 'payment.failed' ? event.reason : null,
            canceledAt: context.at,
          })
          .where(eq(orders.id, order.id));
        await releaseCoupon(tx, order);
        return status;
      }),

    refundPaidTwice: (event, refund, provider) =>
      orm.transaction(async (tx): Promise<PaymentOutcome> => {
        const order = await lockOrder(tx, event.orderId);
        if (!order) return 'UNKNOWN_ORDER';
        const written = await tx
          .insert(paymentEvents)
          .values({
            eventId: event.eventId,
            provider,
            type: event.type,
            orderId: order.id,
            paymentId: event.paymentId,
            outcome: settled(order) ? 'IGNORED' : 'REFUNDED',
            processedAt: refund.at,
          })
          .onConflictDoNothing()
          .returning({ eventId: paymentEvents.eventId });
        if (written.length === 0) return 'DUPLICATE';
        if (settled(order)) return 'IGNORED';
        await tx
          .update(orders)
          .set({
            status: 'REFUNDED',
            providerPaymentId: event.paymentId,
            cardLast4: event.cardLast4 ?? order.cardLast4,
            refundedAt: refund.at,
          })
          .where(eq(orders.id, order.id));
        // Refunded unpaid orders keep no coupon reservation (a CANCELED one has none left).
        await releaseCoupon(tx, order);
        await tx.insert(refunds).values({
          id: randomUUID(),
          orderId: order.id,
          requestedBy: refund.requestedBy,
          amount: order.total,
          currency: order.currency,
          reason: refund.reason,
          idempotencyKey: refund.idempotencyKey,
          requestFingerprint: refund.idempotencyKey,
          providerRefundId: refund.providerRefundId,
          createdAt: refund.at,
        });
        return 'REFUNDED';
      }),

    async expirePending(now) {
      const due = await orm
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.status, 'PENDING'), lte(orders.expiresAt, now)))
        .limit(500);
      let expired = 0;
      for (const { id } of due) {
        const closed = await orm.transaction(async (tx) => {
          const order = await lockOrder(tx, id);
          if (!order || order.status !== 'PENDING' || order.expiresAt > now) return false;
          await tx.update(orders).set({ status: 'CANCELED', canceledAt: now }).where(eq(orders.id, id));
          await releaseCoupon(tx, order);
          return true;
        });
        if (closed) expired += 1;
      }
      return expired;
    },

    activeEntitlements: (userId, courseIds, now) =>
      orm
        .select()
        .from(entitlements)
        .where(ownedClause(userId, courseIds, now)),

    async currentSubscription(userId, now) {
      const [subscription] = await orm
        .select()
        .from(planSubscriptions)
        .where(
          and(
            eq(planSubscriptions.userId, userId),
            isNull(planSubscriptions.organizationId),
            ne(planSubscriptions.status, 'ENDED'),
            gt(planSubscriptions.currentPeriodEnd, now),
          ),
        )
        .orderBy(desc(planSubscriptions.currentPeriodEnd))
        .limit(1);
      return subscription ?? null;
    },

    subscriptionsByIds: async (ids) =>
      uuids(ids).length === 0
        ? []
        : orm
            .select()
            .from(planSubscriptions)
            .where(inArray(planSubscriptions.id, uuids(ids))),

    async cancelSubscription(id, at) {
      if (!isUuid(id)) return null;
      const [subscription] = await orm
        .update(planSubscriptions)
        .set({ status: 'CANCELED', renews: false, canceledAt: at })
        .where(and(eq(planSubscriptions.id, id), eq(planSubscriptions.status, 'ACTIVE')))
        .returning();
      return subscription ?? null;
    },

    async dueRenewals(now) {
      const due = await orm
        .select({ id: planSubscriptions.id })
        .from(planSubscriptions)
        .where(and(renewing, lte(planSubscriptions.currentPeriodEnd, now)))
        .orderBy(asc(planSubscriptions.currentPeriodEnd))
        .limit(500);
      return due.map((row) => row.id);
    },

    openRenewal: (subscriptionId, now, staleBefore) =>
      orm.transaction(async (tx) => {
        const [subscription] = await tx
          .select()
          .from(planSubscriptions)
          .where(eq(planSubscriptions.id, subscriptionId))
          .for('update');
        if (
          !subscription ||
          subscription.status !== 'ACTIVE' ||
          !subscription.renews ||
          subscription.currentPeriodEnd > now
        )
          return null;
        const [plan] = await tx.select().from(plans).where(eq(plans.id, subscription.planId));
        const [paying] = await tx.select().from(orders).where(eq(orders.id, subscription.orderId));
        if (!plan || !paying) throw new Error(`subscription ${subscription.id} lost its plan or order`);
        const idempotencyKey = `renewal:${subscription.id}:${subscription.currentPeriodEnd.toISOString()}`;
        // A team subscription renews all its seats at the plan's current price per seat.
        const quantity = subscription.seats ?? 1;
        const amount = plan.amount * quantity;
        const [existing] = await tx
          .select()
          .from(orders)
          .where(and(eq(orders.buyerId, subscription.userId), eq(orders.idempotencyKey, idempotencyKey)));
        if (existing) {
          const stale = existing.status === 'PENDING' && existing.createdAt <= staleBefore;
          return stale ? { order: existing, subscription, plan } : null;
        }
        const id = randomUUID();
        const [order] = await tx
          .insert(orders)
          .values({
            id,
            buyerId: subscription.userId,
            buyerEmail: paying.buyerEmail,
            status: 'PENDING',
            currency: plan.currency,
            subtotal: amount,
            discount: 0,
            total: amount,
            provider: paying.provider,
            organizationId: subscription.organizationId,
            idempotencyKey,
            requestFingerprint: idempotencyKey,
            cardLast4: subscription.cardLast4,
            createdAt: now,
            // Settled by the sweep, never expired as a hosted checkout is.
            expiresAt: periodEnd(subscription.currentPeriodEnd, plan.interval),
          })
          .returning();
        if (!order) throw new Error('the renewal order was not written');
        await tx.insert(orderLines).values({
          id: randomUUID(),
          orderId: id,
          position: 0,
          kind: 'PLAN',
          courseId: null,
          planId: plan.id,
          title: subscription.organizationId !== null ? seatsTitle(plan.name, quantity) : plan.name,
          currency: plan.currency,
          unitAmount: amount,
          discount: 0,
          total: amount,
          instructorIds: [],
          quantity,
        });
        return { order, subscription, plan };
      }),

    completeRenewal: (input) =>
      orm.transaction(async (tx) => {
        const order = await lockOrder(tx, input.orderId);
        if (!order || order.status !== 'PENDING') return null;
        const [subscription] = await tx
          .select()
          .from(planSubscriptions)
          .where(eq(planSubscriptions.id, input.subscriptionId))
          .for('update');
        if (!subscription) throw new Error(`subscription ${input.subscriptionId} vanished`);
        if (input.result.kind === 'DECLINED') {
          await tx
            .update(orders)
            .set({
              status: 'DECLINED',
              declineReason: input.result.reason,
              providerPaymentId: input.result.paymentId,
              canceledAt: input.at,
            })
            .where(eq(orders.id, order.id));
          const [ended] = await tx
            .update(planSubscriptions)
            .set({ status: 'ENDED', renews: false, endedAt: input.at })
            .where(eq(planSubscriptions.id, subscription.id))
            .returning();
          await tx
            .update(entitlements)
            .set({ revokedAt: input.at })
            .where(and(eq(entitlements.id, subscription.entitlementId), isNull(entitlements.revokedAt)));
          if (ended)
            await writeOutbox(
              tx,
              input.endedEvents(ended, await holdersOf(tx, ended.organizationId)),
              input.at,
            );
          return 'ENDED';
        }
        const [paid] = await tx
          .update(orders)
          .set({
            status: 'PAID',
            paidAt: input.at,
            providerPaymentId: input.result.paymentId,
            receiptSequence: sql`nextval('commerce.receipt_numbers')`,
          })
          .where(eq(orders.id, order.id))
          .returning();
        const [line] = await tx.select().from(orderLines).where(eq(orderLines.orderId, order.id));
        const [plan] = await tx.select().from(plans).where(eq(plans.id, subscription.planId));
        if (!paid || !line || !plan) throw new Error(`renewal order ${order.id} is incomplete`);
        const start = subscription.currentPeriodEnd;
        const end = periodEnd(start, plan.interval);
        const [entitlement] = await tx
          .insert(entitlements)
          .values({
            id: randomUUID(),
            userId: subscription.userId,
            orderId: order.id,
            orderLineId: line.id,
            courseId: null,
            planId: plan.id,
            startsAt: start,
            expiresAt: end,
            organizationId: subscription.organizationId,
          })
          .returning();
        if (!entitlement) throw new Error(`renewal order ${order.id} granted nothing`);
        await tx
          .update(planSubscriptions)
          .set({
            orderId: order.id,
            entitlementId: entitlement.id,
            currentPeriodStart: start,
            currentPeriodEnd: end,
          })
          .where(eq(planSubscriptions.id, subscription.id));
        await writeOutbox(tx, input.paidEvents(paid, [entitlement]), input.at);
        return 'RENEWED';
      }),

    async endLapsedSubscriptions(now, events) {
      const due = await orm
        .select({ id: planSubscriptions.id })
        .from(planSubscriptions)
        .where(and(lapsing, lte(planSubscriptions.currentPeriodEnd, now)))
        .limit(500);
      let ended = 0;
      for (const { id } of due) {
        const done = await orm.transaction(async (tx) => {
          const [subscription] = await tx
            .update(planSubscriptions)
            .set({ status: 'ENDED', renews: false, endedAt: now })
            .where(and(eq(planSubscriptions.id, id), lapsing, lte(planSubscriptions.currentPeriodEnd, now)))
            .returning();
          if (!subscription) return false;
          await writeOutbox(tx, events(subscription, await holdersOf(tx, subscription.organizationId)), now);
          return true;
        });
        if (done) ended += 1;
      }
      return ended;
    },

    async teamSeats(organizationId, now) {
      const [row] = await teamSeatsOf([organizationId], now);
      return { total: row?.total ?? 0, expiresAt: row?.expiresAt ?? null };
    },

    teamSeatsByOrganizations: (organizationIds, now) => teamSeatsOf(organizationIds, now),

    seatHolders: (organizationId) => holdersOf(orm, organizationId),

    seatHoldersByOrganizations: async (organizationIds) =>
      organizationIds.length === 0
        ? []
        : orm
            .select({ organizationId: seatAssignments.organizationId, userId: seatAssignments.userId })
            .from(seatAssignments)
            .where(inArray(seatAssignments.organizationId, [...organizationIds])),

    async seatHoldings(userId, now) {
      const rows = await orm
        .select({
          organizationId: seatAssignments.organizationId,
          expiresAt: sql<Date | string>`max(${planSubscriptions.currentPeriodEnd})`,
        })
        .from(seatAssignments)
        .innerJoin(planSubscriptions, eq(planSubscriptions.organizationId, seatAssignments.organizationId))
        .where(and(eq(seatAssignments.userId, userId), activeTeamSubscriptions(now)))
        .groupBy(seatAssignments.organizationId);
      return rows.map((row) => ({ organizationId: row.organizationId, expiresAt: new Date(row.expiresAt) }));
    },

    assignSeat: (input) =>
      orm.transaction(async (tx): Promise<SeatAssignResult> => {
        // The organization's row lock serialises assignments: of two concurrent ones for the last
        // seat, the second sees the first's seat taken.
        await tx
          .insert(seatOrganizations)
          .values({ organizationId: input.organizationId, createdAt: input.at })
          .onConflictDoNothing();
        await tx
          .select()
          .from(seatOrganizations)
          .where(eq(seatOrganizations.organizationId, input.organizationId))
          .for('update');
        const [seats] = await tx
          .select({ total: sql<string | null>`sum(${planSubscriptions.seats})` })
          .from(planSubscriptions)
          .where(
            and(
              eq(planSubscriptions.organizationId, input.organizationId),
              activeTeamSubscriptions(input.at),
            ),
          );
        const total = Number(seats?.total ?? 0);
        if (total === 0) return { kind: 'NO_SEATS' };
        const members = new Set(input.memberIds);
        // Seats of people who left the organization are free again: drop them first.
        const stale = await tx
          .delete(seatAssignments)
          .where(
            and(
              eq(seatAssignments.organizationId, input.organizationId),
              members.size > 0 ? notInArray(seatAssignments.userId, [...members]) : undefined,
            ),
          )
          .returning();
        for (const dropped of stale) await writeOutbox(tx, input.events(dropped, 'REVOKED'), input.at);
        const held = await tx
          .select()
          .from(seatAssignments)
          .where(eq(seatAssignments.organizationId, input.organizationId));
        if (held.some((assignment) => assignment.userId === input.userId))
          return { kind: 'ALREADY_ASSIGNED', total, used: held.length };
        if (!members.has(input.userId)) return { kind: 'NOT_A_MEMBER' };
        if (held.length >= total) return { kind: 'SEATS_EXHAUSTED', total, used: held.length };
        const [assignment] = await tx
          .insert(seatAssignments)
          .values({
            id: randomUUID(),
            organizationId: input.organizationId,
            userId: input.userId,
            assignedAt: input.at,
          })
          .returning();
        if (!assignment) throw new Error('the seat assignment was not written');
        await writeOutbox(tx, input.events(assignment, 'GRANTED'), input.at);
        return { kind: 'ASSIGNED', total, used: held.length + 1 };
      }),

    async refundByIdempotencyKey(requestedBy, key) {
      const [refund] = await orm
        .select()
        .from(refunds)
        .where(and(eq(refunds.requestedBy, requestedBy), eq(refunds.idempotencyKey, key)));
      return refund ?? null;
    },

    refundsByOrders: async (orderIds) =>
      uuids(orderIds).length === 0
        ? []
        : orm
            .select()
            .from(refunds)
            .where(inArray(refunds.orderId, uuids(orderIds))),

    applyRefund: (input) =>
      orm.transaction(async (tx): Promise<RefundResult> => {
        const order = await lockOrder(tx, input.orderId);
        if (!order) return { kind: 'NOT_PAID' };
        if (order.status === 'REFUNDED') {
          const [existing] = await tx
            .select()
            .from(refunds)
            .where(
              and(
                eq(refunds.orderId, order.id),
                eq(refunds.requestedBy, input.requestedBy),
                eq(refunds.idempotencyKey, input.idempotencyKey),
              ),
            );
          return existing ? { kind: 'EXISTING', refund: existing } : { kind: 'ALREADY_REFUNDED' };
        }
        if (order.status !== 'PAID') return { kind: 'NOT_PAID' };
        await tx.insert(refunds).values({
          id: randomUUID(),
          orderId: order.id,
          requestedBy: input.requestedBy,
          amount: order.total,
          currency: order.currency,
          reason: input.reason,
          idempotencyKey: input.idempotencyKey,
          requestFingerprint: input.requestFingerprint,
          providerRefundId: input.providerRefundId,
          createdAt: input.at,
        });
        const [refunded] = await tx
          .update(orders)
          .set({ status: 'REFUNDED', refundedAt: input.at })
          .where(eq(orders.id, order.id))
          .returning();
        if (!refunded) throw new Error(`order ${order.id} vanished while locked`);
        const revoked = await tx
          .update(entitlements)
          .set({ revokedAt: input.at })
          .where(and(eq(entitlements.orderId, order.id), isNull(entitlements.revokedAt)))
          .returning();
        await tx
          .update(planSubscriptions)
          .set({ status: 'ENDED', renews: false, endedAt: input.at })
          .where(and(eq(planSubscriptions.orderId, order.id), ne(planSubscriptions.status, 'ENDED')));
        const sales = await tx
          .select()
          .from(earnings)
          .where(and(eq(earnings.orderId, order.id), eq(earnings.kind, 'SALE')));
        if (sales.length > 0) {
          await tx
            .insert(earnings)
            .values(
              sales.map((sale) => ({
                ...sale,
                id: randomUUID(),
                kind: 'REVERSAL' as const,
                amount: -sale.amount,
                createdAt: input.at,
              })),
            )
            .onConflictDoNothing();
        }
        const organizationId = revoked.find((grant) => grant.organizationId !== null)?.organizationId ?? null;
        await writeOutbox(tx, input.events(refunded, revoked, await holdersOf(tx, organizationId)), input.at);
        return { kind: 'REFUNDED', order: refunded };
      }),

    async earningTotals(instructorId) {
      const rows = await orm
        .select({ currency: earnings.currency, amount: sql<string>`sum(${earnings.amount})` })
        .from(earnings)
        .where(eq(earnings.instructorId, instructorId))
        .groupBy(earnings.currency);
      return rows.map((row) => ({ currency: row.currency, amount: Number(row.amount) }));
    },

    async salesCount(instructorId) {
      const [row] = await orm
        .select({
          n: sql<string>`count(DISTINCT ${earnings.orderLineId}) FILTER (WHERE ${earnings.kind} = 'SALE') - count(DISTINCT ${earnings.orderLineId}) FILTER (WHERE ${earnings.kind} = 'REVERSAL')`,
        })
        .from(earnings)
        .where(eq(earnings.instructorId, instructorId));
      return Number(row?.n ?? 0);
    },

    earningPage: (instructorId, page) =>
      orm
        .select()
        .from(earnings)
        .where(eq(earnings.instructorId, instructorId))
        .orderBy(desc(earnings.createdAt), desc(earnings.kind), desc(earnings.id))
        .limit(page.limit)
        .offset(page.offset),

    async earningCount(instructorId) {
      const [row] = await orm
        .select({ n: count() })
        .from(earnings)
        .where(eq(earnings.instructorId, instructorId));
      return row?.n ?? 0;
    },

    async payouts(from, to) {
      const rows = await orm
        .select({
          instructorId: earnings.instructorId,
          currency: earnings.currency,
          amount: sql<string>`sum(${earnings.amount})`,
          salesCount: sql<string>`count(*) FILTER (WHERE ${earnings.kind} = 'SALE')`,
          refundCount: sql<string>`count(*) FILTER (WHERE ${earnings.kind} = 'REVERSAL')`,
        })
        .from(earnings)
        .where(and(gte(earnings.createdAt, from), lt(earnings.createdAt, to)))
        .groupBy(earnings.instructorId, earnings.currency);
      return rows
        .map((row) => ({
          instructorId: row.instructorId,
          currency: row.currency,
          amount: Number(row.amount),
          salesCount: Number(row.salesCount),
          refundCount: Number(row.refundCount),
        }))
        .sort((a, b) => b.amount - a.amount || a.instructorId.localeCompare(b.instructorId));
    },

    async grossSales(from, to) {
      const rows = await orm
        .select({ currency: orders.currency, amount: sql<string>`sum(${orders.total})` })
        .from(orders)
        .where(and(sql`${orders.paidAt} IS NOT NULL`, gte(orders.paidAt, from), lt(orders.paidAt, to)))
        .groupBy(orders.currency);
      return rows.map((row) => ({ currency: row.currency, amount: Number(row.amount) }));
    },

    async refundedAmounts(from, to) {
      const rows = await orm
        .select({ currency: refunds.currency, amount: sql<string>`sum(${refunds.amount})` })
        .from(refunds)
        .where(and(gte(refunds.createdAt, from), lt(refunds.createdAt, to)))
        .groupBy(refunds.currency);
      return rows.map((row) => ({ currency: row.currency, amount: Number(row.amount) }));
    },

    async withUnpublished(limit, work) {
      const unpublished = (tx: Drizzle | Tx) =>
        tx.select().from(outbox).where(isNull(outbox.publishedAt)).orderBy(asc(outbox.sequence)).limit(limit);
      const mark = async (tx: Drizzle | Tx, report: PublishReport) => {
        if (report.published.length > 0) {
          await tx
            .update(outbox)
            .set({ publishedAt: new Date() })
            .where(inArray(outbox.id, report.published));
        }
        if (report.failure) {
          await tx
            .update(outbox)
            .set({ attempts: sql`${outbox.attempts} + 1`, lastError: report.failure.error.slice(0, 500) })
            .where(eq(outbox.id, report.failure.id));
        }
      };
      if (db.kind === 'pglite') {
        // One connection, one process: the relay's own single flight is the lock; a transaction
        // held across the publish would block every other query.
        await mark(orm, await work(await unpublished(orm)));
        return;
      }
      await orm.transaction(async (tx) => {
        const rows = await unpublished(tx).for('update', { skipLocked: true });
        await mark(tx, await work(rows));
      });
    },

    async unpublishedCount() {
      const [row] = await orm.select({ n: count() }).from(outbox).where(isNull(outbox.publishedAt));
      return row?.n ?? 0;
    },
  };
}

export type { OrderStatus };
