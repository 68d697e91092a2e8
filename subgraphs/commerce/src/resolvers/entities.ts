/**
 * commerce's own entities (Plan, Order, Coupon and their parts) and the fields it contributes to
 * entities other subgraphs own: Course.price and Course.viewerAccess, User.orders,
 * User.planSubscription and User.earnings.
 */
import {
  authorizeOrganization,
  forbidden,
  hasRole,
  pageRequest,
  requireViewer,
  toConnection,
  type Viewer,
} from '@learncraft/kit';
import type { CommerceContext } from '../context';
import { formatMoney, sumByCurrency, type Money } from '../domain/money';
import { orderNumber, receiptNumber } from '../domain/orderNumbers';
import type { LineView } from '../services/checkout';
import { earningsOwner } from '../services/earnings';
import { canSeeOrder } from '../services/refunds';
import type {
  CouponRecord,
  EarningRecord,
  OrderLineRecord,
  OrderRecord,
  PayoutRow,
  PlanRecord,
  SubscriptionRecord,
} from '../stores/commerceStore';
import { money } from './money';
import { visibleOrder } from './queries';

interface Ref {
  id: string;
}

type PageArgs = { first?: number | null; after?: string | null };

const isSelfOrAdmin = (viewer: Viewer | null, userId: string) =>
  !!viewer && (viewer.id === userId || hasRole(viewer, 'ADMIN'));

/**
 * An Order field only its buyer and ADMINs may read. An order reaches anyone else only as an
 * instructor's `Earning.order`: its id, number, status and dates are theirs to see; what the buyer
 * bought and paid, with which card and e-mail address, is not (FORBIDDEN).
 */
const buyersOnly =
  <T>(read: (order: OrderRecord, ctx: CommerceContext) => T) =>
  (order: OrderRecord, _args: unknown, ctx: CommerceContext): T => {
    if (!ctx.viewer || !canSeeOrder(ctx.viewer, order))
      throw forbidden('Only the buyer and ADMINs see the details of an order.');
    return read(order, ctx);
  };

const lineView = (line: OrderLineRecord): LineView => ({
  id: line.id,
  title: line.title,
  courseId: line.courseId,
  planId: line.planId,
  unitPrice: money(line.unitAmount, line.currency),
  discount: money(line.discount, line.currency),
  total: money(line.total, line.currency),
});

export const entityResolvers = {
  Money: {
    formatted: (value: Money) => formatMoney(value),
  },
  Course: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    async price(course: Ref, _args: unknown, ctx: CommerceContext) {
      const price = await ctx.loaders.price.load(course.id);
      return price ? money(price.amount, price.currency) : null;
    },
    viewerAccess: (course: Ref, _args: unknown, ctx: CommerceContext) => ctx.loaders.access.load(course.id),
  },
  Organization: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    // Owners and managers (and ADMINs), or an API key of the organization with members:read.
    async seats(organization: Ref, _args: unknown, ctx: CommerceContext) {
      await authorizeOrganization(
        ctx,
        organization.id,
        { scope: 'members:read', roles: ['OWNER', 'MANAGER'] },
        ctx.directory,
      );
      return ctx.loaders.organizationSeats.load(organization.id);
    },
  },
  Plan: {
    __resolveReference: (ref: Ref, ctx: CommerceContext) => ctx.loaders.plan.load(ref.id),
    price: (plan: PlanRecord) => money(plan.amount, plan.currency),
  },
  PlanSubscription: {
    plan: (subscription: SubscriptionRecord, _args: unknown, ctx: CommerceContext) =>
      ctx.loaders.plan.load(subscription.planId),
  },
  Order: {
    __resolveReference: (ref: Ref, ctx: CommerceContext) => visibleOrder(ctx, ref.id),
    number: (order: OrderRecord) => orderNumber(order.sequence),
    buyer: buyersOnly((order) => ({ __typename: 'User', id: order.buyerId })),
    lines: buyersOnly(async (order, ctx) => (await ctx.loaders.orderLines.load(order.id)).map(lineView)),
    subtotal: buyersOnly((order) => money(order.subtotal, order.currency)),
    discount: buyersOnly((order) => money(order.discount, order.currency)),
    total: buyersOnly((order) => money(order.total, order.currency)),
    couponCode: buyersOnly((order) => order.couponCode),
    payment: buyersOnly((order) => ({
      provider: order.provider,
      checkoutUrl: order.status === 'PENDING' ? order.checkoutUrl : null,
      cardLast4: order.cardLast4,
      declineReason: order.status === 'DECLINED' ? order.declineReason : null,
    })),
    receipt: buyersOnly((order) =>
      order.paidAt && order.receiptSequence !== null
        ? { number: receiptNumber(order.receiptSequence), issuedAt: order.paidAt, billedTo: order.buyerEmail }
        : null,
    ),
    refund: buyersOnly(async (order, ctx) => {
      const refund = await ctx.loaders.refund.load(order.id);
      return refund && { ...refund, amount: money(refund.amount, refund.currency) };
    }),
    async refundEligibility(order: OrderRecord, _args: unknown, ctx: CommerceContext) {
      const decision = await ctx.refunds.eligibility(requireViewer(ctx.viewer), order);
      return {
        eligible: decision.eligible,
        reason: decision.eligible ? null : decision.message,
        deadline: decision.deadline,
      };
    },
  },
  OrderLine: {
    course: (line: LineView) => (line.courseId ? { id: line.courseId } : null),
    plan: (line: LineView, _args: unknown, ctx: CommerceContext) =>
      line.planId ? ctx.loaders.plan.load(line.planId) : null,
  },
  Coupon: {
    async __resolveReference(ref: Ref, ctx: CommerceContext) {
      const coupon = ctx.viewer ? await ctx.loaders.coupon.load(ref.id) : null;
      return coupon && ctx.viewer && (await ctx.coupons.canManage(ctx.viewer, coupon, ctx.loaders.courses))
        ? coupon
        : null;
    },
    amountOff: (coupon: CouponRecord) =>
      coupon.amountOff !== null && coupon.amountCurrency !== null
        ? money(coupon.amountOff, coupon.amountCurrency)
        : null,
    courses: (coupon: CouponRecord) => coupon.courseIds.map((id) => ({ id })),
    plans: async (coupon: CouponRecord, _args: unknown, ctx: CommerceContext) =>
      (await ctx.loaders.plan.loadMany(coupon.planIds)).flatMap((plan) =>
        plan && !(plan instanceof Error) ? [plan] : [],
      ),
  },
  User: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    async orders(user: Ref, args: PageArgs, ctx: CommerceContext) {
      if (!isSelfOrAdmin(requireViewer(ctx.viewer), user.id))
        throw forbidden('Only the user and ADMINs see orders.');
      const page = pageRequest(args);
      const [rows, total] = await Promise.all([
        ctx.loaders.orderPage.load({ ownerId: user.id, page }),
        ctx.loaders.orderCount.load(user.id),
      ]);
      return toConnection(rows, total, page);
    },
    planSubscription: (user: Ref, _args: unknown, ctx: CommerceContext) =>
      isSelfOrAdmin(ctx.viewer, user.id) ? ctx.store.currentSubscription(user.id, ctx.now()) : null,
    earnings: (user: Ref, _args: unknown, ctx: CommerceContext) =>
      earningsOwner(requireViewer(ctx.viewer), user.id),
  },
  InstructorEarnings: {
    totals: async (owner: { instructorId: string }, _args: unknown, ctx: CommerceContext) =>
      sumByCurrency(await ctx.store.earningTotals(owner.instructorId)),
    salesCount: (owner: { instructorId: string }, _args: unknown, ctx: CommerceContext) =>
      ctx.store.salesCount(owner.instructorId),
    async entries(owner: { instructorId: string }, args: PageArgs, ctx: CommerceContext) {
      const page = pageRequest(args);
      const [rows, total] = await Promise.all([
        ctx.store.earningPage(owner.instructorId, page),
        ctx.store.earningCount(owner.instructorId),
      ]);
      return toConnection(rows, total, page);
    },
  },
  Earning: {
    course: (earning: EarningRecord) => ({ id: earning.courseId }),
    async order(earning: EarningRecord, _args: unknown, ctx: CommerceContext) {
      const order = await ctx.loaders.order.load(earning.orderId);
      if (!order) throw new Error(`earning ${earning.id} has no order`);
      return order;
    },
    amount: (earning: EarningRecord) => money(earning.amount, earning.currency),
  },
  Payout: {
    instructor: (row: PayoutRow) => ({ __typename: 'User', id: row.instructorId }),
    amount: (row: PayoutRow) => money(row.amount, row.currency),
  },
};
