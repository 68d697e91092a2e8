/** The query root: plans, one order, a checkout quote, coupons to manage, the payouts report. */
import { pageRequest, requireViewer, toConnection } from '@learncraft/kit';
import type { CommerceContext } from '../context';
import type { CheckoutQuoteInput } from '../services/checkout';
import { payoutReport } from '../services/earnings';
import { canSeeOrder } from '../services/refunds';

type PageArgs = { first?: number | null; after?: string | null };

/** The order when the viewer may see it (its buyer or an ADMIN); null otherwise. */
export async function visibleOrder(ctx: CommerceContext, id: string) {
  if (!ctx.viewer) return null;
  const order = await ctx.loaders.order.load(id);
  return order && canSeeOrder(ctx.viewer, order) ? order : null;
}

export const queryResolvers = {
  Query: {
    plans: (_: unknown, _args: unknown, ctx: CommerceContext) => ctx.store.plans(),
    plan: (_: unknown, args: { id: string }, ctx: CommerceContext) => ctx.loaders.plan.load(args.id),
    order: (_: unknown, args: { id: string }, ctx: CommerceContext) => {
      requireViewer(ctx.viewer);
      return visibleOrder(ctx, args.id);
    },
    checkoutQuote: (_: unknown, args: { input: CheckoutQuoteInput }, ctx: CommerceContext) =>
      ctx.checkout.quote(requireViewer(ctx.viewer), args.input, ctx.loaders.courses),
    async coupons(_: unknown, args: PageArgs, ctx: CommerceContext) {
      const page = pageRequest(args);
      const { rows, total } = await ctx.coupons.list(requireViewer(ctx.viewer), page);
      return toConnection(rows, total, page);
    },
    payoutsReport: (_: unknown, args: { from: Date; to: Date }, ctx: CommerceContext) =>
      payoutReport(ctx.store, requireViewer(ctx.viewer), args.from, args.to),
  },
};
