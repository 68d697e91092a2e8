/** The mutation root: thin glue from each mutation's input to its service. */
import { requireViewer } from '@learncraft/kit';
import type { CommerceContext } from '../context';
import type { CheckoutCreateInput } from '../services/checkout';
import type { CouponCreateInput } from '../services/coupons';
import { setCoursePrice, type CoursePriceSetInput } from '../services/prices';
import type { OrderRefundInput } from '../services/refunds';
import { cancelSubscription } from '../services/subscriptions';

export const mutationResolvers = {
  Mutation: {
    coursePriceSet: (_: unknown, args: { input: CoursePriceSetInput }, ctx: CommerceContext) =>
      setCoursePrice(ctx, requireViewer(ctx.viewer), args.input, ctx.loaders.courses),
    checkoutCreate: (_: unknown, args: { input: CheckoutCreateInput }, ctx: CommerceContext) =>
      ctx.checkout.create(requireViewer(ctx.viewer), args.input, ctx.loaders.courses),
    orderRefund: (_: unknown, args: { input: OrderRefundInput }, ctx: CommerceContext) =>
      ctx.refunds.refund(requireViewer(ctx.viewer), args.input),
    couponCreate: (_: unknown, args: { input: CouponCreateInput }, ctx: CommerceContext) =>
      ctx.coupons.create(requireViewer(ctx.viewer), args.input, ctx.loaders.courses),
    couponDeactivate: (_: unknown, args: { input: { couponId: string } }, ctx: CommerceContext) =>
      ctx.coupons.deactivate(requireViewer(ctx.viewer), args.input.couponId, ctx.loaders.courses),
    planSubscriptionCancel: (_: unknown, args: { input: { subscriptionId: string } }, ctx: CommerceContext) =>
      cancelSubscription(ctx, requireViewer(ctx.viewer), args.input.subscriptionId),
  },
};
