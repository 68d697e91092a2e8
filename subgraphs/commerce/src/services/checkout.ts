/**
 * checkoutQuote and checkoutCreate: the items are checked (known, published, paid, not owned),
 * the coupon by the pricing rules, the totals computed by `quoteItems`. checkoutCreate then writes
 * the order and reserves the coupon in one transaction (idempotent per buyer and key), charges
 * the provider outside it, and settles: paid (through PaymentService.confirm, like a webhook),
 * declined (coupon released) or, on Stripe, pending with the hosted checkout's URL. A team plan
 * is bought alone, for seats (1..MAX_SEATS, priced per seat), by an OWNER of the organization
 * named (identity's directory); the order and its grant carry the organization.
 */
import { createHash } from 'node:crypto';
import {
  userError,
  type Logger,
  type OrganizationDirectory,
  type UserError,
  type Viewer,
} from '@learncraft/kit';
import { checkCard } from '../domain/cards';
import { orderNumber } from '../domain/orderNumbers';
import {
  couponProblem,
  quoteItems,
  seatsTitle,
  type CouponRule,
  type PricedItem,
  type Quote,
  type QuotedLine,
} from '../domain/pricing';
import { PaymentProviderError, type PaymentProvider, type TestCard } from '../providers/types';
import type { CommerceStore, CouponRecord, OrderRecord } from '../stores/commerceStore';
import type { IdentityClient } from '../stores/identityClient';
import type { CourseLookup } from './access';
import type { PaymentService } from './payments';

export const MAX_CHECKOUT_ITEMS = 20;
/** The most seats one team plan checkout buys. */
export const MAX_SEATS = 1000;

export interface CheckoutItemInput {
  courseId?: string | null;
  planId?: string | null;
  /** A team plan's seats (required there, refused elsewhere). */
  seats?: number | null;
}

export interface CheckoutQuoteInput {
  items: CheckoutItemInput[];
  couponCode?: string | null;
}

export interface CheckoutCreateInput extends CheckoutQuoteInput {
  payment?: { testCard?: TestCard | null; returnUrl?: string | null } | null;
  idempotencyKey: string;
  /** The organization a team plan's seats are for (the buyer must be its OWNER). */
  organizationId?: string | null;
}

/** What an order line (or a quoted one) shows. */
export interface LineView {
  id: string;
  title: string;
  courseId: string | null;
  planId: string | null;
  unitPrice: { amount: number; currency: string };
  discount: { amount: number; currency: string };
  total: { amount: number; currency: string };
}

export interface QuoteView {
  lines: LineView[];
  subtotal: Quote['subtotal'] | null;
  discount: Quote['discount'] | null;
  total: Quote['total'] | null;
  userErrors: UserError[];
}

interface Prepared {
  items: (PricedItem & { instructorIds: string[] })[];
  coupon: CouponRecord | null;
  quote: Quote;
  /** The organization of a team plan checkout; null otherwise. */
  organizationId: string | null;
}

/** checkoutCreate checks the organization of a team plan; checkoutQuote has none to check. */
type OrganizationCheck = { organizationId: string | null } | null;

export interface CheckoutServiceDeps {
  store: CommerceStore;
  provider: PaymentProvider;
  payments: PaymentService;
  identity: IdentityClient;
  logger: Logger;
  now: () => Date;
  checkoutExpiryMinutes: number;
  /** The web app's origin: a hosted checkout may only send the buyer back there. */
  webAppOrigin: string;
  /** identity's organizations: only an OWNER buys its seats. */
  directory: Pick<OrganizationDirectory, 'roleOf'>;
}

export function couponRule(coupon: CouponRecord): CouponRule {
  return {
    id: coupon.id,
    code: coupon.code,
    kind: coupon.kind,
    percentOff: coupon.percentOff,
    amountOff:
      coupon.amountOff !== null && coupon.amountCurrency !== null
        ? { amount: coupon.amountOff, currency: coupon.amountCurrency }
        : null,
    validFrom: coupon.validFrom,
    validUntil: coupon.validUntil,
    maxRedemptions: coupon.maxRedemptions,
    redemptionCount: coupon.redemptionCount,
    courseIds: coupon.courseIds,
    planIds: coupon.planIds,
    active: coupon.active,
  };
}

/** A quoted line as an order line shows it. */
const lineOf = (line: QuotedLine) => ({
  title: line.title,
  courseId: line.kind === 'COURSE' ? line.id : null,
  planId: line.kind === 'PLAN' ? line.id : null,
  unitPrice: line.price,
  discount: line.discount,
  total: line.total,
  quantity: line.quantity ?? 1,
});

const itemField = (index: number, name?: string) =>
  name ? ['input', 'items', String(index), name] : ['input', 'items', String(index)];

export const isIdempotencyKey = (key: string) => key.length >= 8 && key.length <= 200;

export const fingerprintOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

export class CheckoutService {
  constructor(private readonly deps: CheckoutServiceDeps) {}

  async quote(viewer: Viewer, input: CheckoutQuoteInput, courses: CourseLookup): Promise<QuoteView> {
    const prepared = await this.prepare(viewer, input, courses, null);
    if ('userErrors' in prepared) {
      return { lines: [], subtotal: null, discount: null, total: null, userErrors: prepared.userErrors };
    }
    const { quote } = prepared;
    return {
      lines: quote.lines.map((line, index) => {
        const { quantity: _quantity, ...view } = lineOf(line);
        return { id: `quote:${index}`, ...view };
      }),
      subtotal: quote.subtotal,
      discount: quote.discount,
      total: quote.total,
      userErrors: [],
    };
  }

  async create(
    viewer: Viewer,
    input: CheckoutCreateInput,
    courses: CourseLookup,
  ): Promise<{ order: OrderRecord | null; userErrors: UserError[] }> {
    const { store, provider } = this.deps;
    const refuse = (...userErrors: UserError[]) => ({ order: null, userErrors });
    if (!isIdempotencyKey(input.idempotencyKey)) {
      return refuse(
        userError('INVALID_IDEMPOTENCY_KEY', 'The idempotency key must be 8 to 200 characters.', [
          'input',
          'idempotencyKey',
        ]),
      );
    }
    const fingerprint = fingerprintOf({
      // Seats and the organization only when given, so other checkouts keep their fingerprints.
      items: input.items.map((item) => ({
        courseId: item.courseId ?? null,
        planId: item.planId ?? null,
        ...(item.seats != null ? { seats: item.seats } : {}),
      })),
      couponCode: input.couponCode?.trim().toUpperCase() || null,
      ...(input.organizationId != null ? { organizationId: input.organizationId } : {}),
    });
    const replay = (order: OrderRecord) =>
      order.requestFingerprint === fingerprint
        ? { order, userErrors: [] }
        : refuse(
            userError(
              'IDEMPOTENCY_KEY_REUSED',
              'This idempotency key was already used for another checkout.',
              ['input', 'idempotencyKey'],
            ),
          );
    const earlier = await store.orderByIdempotencyKey(viewer.id, input.idempotencyKey);
    if (earlier) return replay(earlier);

    const testCard = input.payment?.testCard ?? null;
    const returnUrl = input.payment?.returnUrl ?? null;
    const paymentErrors = this.paymentProblems(testCard, returnUrl);
    if (paymentErrors.length > 0) return refuse(...paymentErrors);

    await this.replaceOverlappingCheckouts(viewer, input.items, input.organizationId ?? null);
    const prepared = await this.prepare(viewer, input, courses, {
      organizationId: input.organizationId ?? null,
    });
    if ('userErrors' in prepared) return refuse(...prepared.userErrors);
    const { quote, coupon, items, organizationId } = prepared;
    if (provider.kind === 'TEST' && quote.total.amount > 0 && !testCard) {
      return refuse(
        userError('CARD_REQUIRED', 'Enter a test card to pay.', ['input', 'payment', 'testCard']),
      );
    }

    const now = this.deps.now();
    const created = await store.createOrder({
      buyerId: viewer.id,
      buyerEmail: await this.buyerEmailOf(viewer),
      currency: quote.currency,
      subtotal: quote.subtotal.amount,
      discount: quote.discount.amount,
      total: quote.total.amount,
      coupon: coupon ? { id: coupon.id, code: coupon.code } : null,
      provider: provider.kind,
      idempotencyKey: input.idempotencyKey,
      requestFingerprint: fingerprint,
      lines: quote.lines.map((line, index) => ({
        kind: line.kind,
        ...lineOf(line),
        instructorIds: items[index]?.instructorIds ?? [],
      })),
      at: now,
      expiresAt: new Date(now.getTime() + this.deps.checkoutExpiryMinutes * 60_000),
      organizationId,
    });
    if (created.kind === 'EXISTING') return replay(created.order);
    if (created.kind !== 'CREATED') {
      const message =
        created.kind === 'COUPON_EXHAUSTED'
          ? 'This coupon has been used up.'
          : 'You have already used this coupon.';
      return refuse(userError(created.kind, message, ['input', 'couponCode']));
    }
    await this.settle(created.order, quote, testCard, returnUrl);
    const [order] = await store.ordersByIds([created.order.id]);
    return { order: order ?? created.order, userErrors: [] };
  }

  /**
   * On Stripe a checkout stays PENDING until the buyer pays on the hosted page: a newer checkout
   * of any of its courses (or of a plan, one subscription at a time) cancels it, releasing its
   * coupon, so the buyer is not charged twice. Should the old page be paid all the same, the
   * payment is refunded automatically (PaymentService). The test provider settles at once.
   */
  private async replaceOverlappingCheckouts(
    viewer: Viewer,
    items: CheckoutItemInput[],
    organizationId: string | null,
  ) {
    if (this.deps.provider.kind !== 'STRIPE') return;
    const { store } = this.deps;
    const earlier = await store.pendingOrdersOverlapping(
      viewer.id,
      items.flatMap((item) => item.courseId ?? []),
      // Seats for an organization replace nothing: buying seats again is buying more seats.
      organizationId === null && items.some((item) => !!item.planId),
    );
    for (const order of earlier) {
      const canceled = await store.closeUnpaid(order.id, 'CANCELED', {
        reason: null,
        paymentId: null,
        at: this.deps.now(),
      });
      if (canceled) this.deps.logger.info('a newer checkout replaced a pending one', { orderId: order.id });
    }
  }

  /**
   * The buyer's e-mail address for the receipt, from identity; when identity does not answer the
   * checkout goes on and the receipt is billed to the user id.
   */
  private async buyerEmailOf(viewer: Viewer): Promise<string> {
    try {
      const [user] = await this.deps.identity.users([viewer.id]);
      if (user) return user.email;
      this.deps.logger.warn('identity does not know the buyer; the receipt names the user id', {
        buyerId: viewer.id,
      });
    } catch (error) {
      this.deps.logger.warn('identity did not answer; the receipt names the user id', {
        buyerId: viewer.id,
        error: String(error),
      });
    }
    return viewer.id;
  }

  /** Charges the order outside any transaction and records the outcome. */
  private async settle(
    order: OrderRecord,
    quote: Quote,
    testCard: TestCard | null,
    returnUrl: string | null,
  ) {
    const { store, provider, payments } = this.deps;
    const total = { amount: order.total, currency: order.currency };
    const succeeded = (paymentId: string, cardLast4: string | null, paymentMethodId?: string) =>
      payments.confirm({
        type: 'payment.succeeded',
        eventId: `charge:${paymentId}`,
        paymentId,
        orderId: order.id,
        amount: total,
        cardLast4,
        paymentMethodId: paymentMethodId ?? null,
        occurredAt: this.deps.now(),
      });
    // A 100 % coupon: nothing to charge, the order is paid at once.
    if (order.total === 0) return void (await succeeded(`free:${order.id}`, null));
    let result;
    try {
      result = await provider.charge({
        orderId: order.id,
        orderNumber: orderNumber(order.sequence),
        amount: total,
        lines: quote.lines.map((line) => ({
          title: line.title,
          amount: line.total,
          ...(line.quantity && line.quantity > 1 ? { quantity: line.quantity } : {}),
        })),
        buyerEmail: order.buyerEmail,
        idempotencyKey: `order:${order.id}`,
        ...(testCard ? { testCard } : {}),
        ...(returnUrl ? { returnUrl } : {}),
        // A plan renews by charging the card again (where the provider can save it).
        ...(quote.lines.some((line) => line.kind === 'PLAN') ? { savePaymentMethod: true } : {}),
      });
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) throw error;
      this.deps.logger.warn('the payment provider refused the charge', {
        orderId: order.id,
        error: error.message,
      });
      await store.closeUnpaid(order.id, 'DECLINED', {
        reason: 'The payment could not be processed; nothing was charged. Please try again.',
        paymentId: null,
        at: this.deps.now(),
      });
      return;
    }
    if (result.kind === 'succeeded')
      await succeeded(result.paymentId, result.cardLast4, result.paymentMethodId);
    else if (result.kind === 'declined')
      await store.closeUnpaid(order.id, 'DECLINED', {
        reason: result.reason,
        paymentId: result.paymentId,
        at: this.deps.now(),
      });
    else await store.markAwaitingPayment(order.id, result.paymentId, result.checkoutUrl);
  }

  private paymentProblems(testCard: TestCard | null, returnUrl: string | null): UserError[] {
    const field = ['input', 'payment'];
    if (this.deps.provider.kind === 'STRIPE') {
      if (testCard)
        return [
          userError('TEST_CARD_NOT_ACCEPTED', 'Test cards are only accepted by the test provider.', [
            ...field,
            'testCard',
          ]),
        ];
      if (returnUrl !== null && originOf(returnUrl) !== this.deps.webAppOrigin)
        return [
          userError(
            'INVALID_RETURN_URL',
            `The return URL must be a page of the LearnCraft web app (${this.deps.webAppOrigin}).`,
            [...field, 'returnUrl'],
          ),
        ];
      return [];
    }
    if (!testCard) return [];
    const checked = checkCard(testCard, this.deps.now());
    return checked.ok
      ? []
      : [userError(checked.code, checked.message, [...field, 'testCard', checked.field])];
  }

  private async prepare(
    viewer: Viewer,
    input: CheckoutQuoteInput,
    courses: CourseLookup,
    organization: OrganizationCheck,
  ): Promise<Prepared | { userErrors: UserError[] }> {
    const { store } = this.deps;
    const shapeErrors = itemShapeErrors(input.items);
    if (shapeErrors.length > 0) return { userErrors: shapeErrors };
    const courseIds = input.items.flatMap((item) => item.courseId ?? []);
    const planIds = input.items.flatMap((item) => item.planId ?? []);
    const now = this.deps.now();
    const [facts, prices, planRows, grants, subscription] = await Promise.all([
      courses(courseIds),
      store.pricesByCourses(courseIds),
      store.plansByIds(planIds),
      store.activeEntitlements(viewer.id, courseIds, now),
      planIds.length > 0 ? store.currentSubscription(viewer.id, now) : Promise.resolve(null),
    ]);
    const covered = grants.some((grant) => grant.planId !== null);
    const userErrors: UserError[] = [];
    const items: Prepared['items'] = [];
    input.items.forEach((item, index) => {
      if (item.courseId) {
        if (item.seats != null) return userErrors.push(seatsNotAllowed(index));
        const course = facts.find((candidate) => candidate.id === item.courseId && candidate.published);
        const price = prices.find((candidate) => candidate.courseId === item.courseId);
        if (!course)
          return userErrors.push(
            userError(
              'COURSE_NOT_FOUND',
              `Course ${item.courseId} was not found.`,
              itemField(index, 'courseId'),
            ),
          );
        if (!price)
          return userErrors.push(
            userError(
              'COURSE_FREE',
              `${course.title} is free: there is nothing to buy.`,
              itemField(index, 'courseId'),
            ),
          );
        if (covered || grants.some((grant) => grant.courseId === course.id))
          return userErrors.push(
            userError(
              'ALREADY_OWNED',
              `You already have access to ${course.title}.`,
              itemField(index, 'courseId'),
            ),
          );
        items.push({
          kind: 'COURSE',
          id: course.id,
          title: course.title,
          price: { amount: price.amount, currency: price.currency },
          instructorIds: course.instructorIds,
        });
        return;
      }
      const plan = planRows.find((candidate) => candidate.id === item.planId);
      if (!plan)
        return userErrors.push(
          userError('PLAN_NOT_FOUND', `Plan ${item.planId} was not found.`, itemField(index, 'planId')),
        );
      if (plan.perSeat) {
        const seats = item.seats;
        if (seats == null)
          return userErrors.push(
            userError(
              'SEATS_REQUIRED',
              `${plan.name} is sold per seat: say how many seats (1 to ${MAX_SEATS}).`,
              itemField(index, 'seats'),
            ),
          );
        if (!Number.isInteger(seats) || seats < 1 || seats > MAX_SEATS)
          return userErrors.push(
            userError('INVALID_SEATS', `Buy 1 to ${MAX_SEATS} seats.`, itemField(index, 'seats')),
          );
        items.push({
          kind: 'PLAN',
          id: plan.id,
          title: seatsTitle(plan.name, seats),
          price: { amount: plan.amount * seats, currency: plan.currency },
          quantity: seats,
          instructorIds: [],
        });
        return;
      }
      if (item.seats != null) return userErrors.push(seatsNotAllowed(index));
      if (subscription)
        return userErrors.push(
          userError(
            'ALREADY_SUBSCRIBED',
            'You already have a plan subscription.',
            itemField(index, 'planId'),
          ),
        );
      items.push({
        kind: 'PLAN',
        id: plan.id,
        title: plan.name,
        price: { amount: plan.amount, currency: plan.currency },
        instructorIds: [],
      });
    });
    if (userErrors.length > 0) return { userErrors };
    const organizationProblem = await this.organizationProblem(viewer, items, organization);
    if (organizationProblem) return { userErrors: [organizationProblem] };

    let coupon: CouponRecord | null = null;
    const code = input.couponCode?.trim();
    if (code) {
      coupon = await store.couponByCode(code);
      const used = coupon ? await store.hasRedeemed(coupon.id, viewer.id) : false;
      const problem = couponProblem(coupon ? couponRule(coupon) : null, items, now, used);
      if (problem) return { userErrors: [userError(problem.code, problem.message, ['input', 'couponCode'])] };
    }
    const quoted = quoteItems(items, coupon ? couponRule(coupon) : null);
    if (!quoted.ok) return { userErrors: [userError(quoted.code, quoted.message, ['input', 'items'])] };
    return { items, coupon, quote: quoted.quote, organizationId: organization?.organizationId ?? null };
  }

  /**
   * A team plan is bought alone, for an organization the buyer is an OWNER of; an organization
   * is named only with a team plan. checkoutQuote (no organization) checks the items alone.
   */
  private async organizationProblem(
    viewer: Viewer,
    items: Prepared['items'],
    organization: OrganizationCheck,
  ): Promise<UserError | null> {
    const team = items.some((item) => item.quantity !== undefined);
    const field = ['input', 'organizationId'];
    if (team && items.length > 1)
      return userError('TEAM_PLAN_ALONE', 'A team plan is bought on its own, without other items.', [
        'input',
        'items',
      ]);
    if (!organization) return null;
    const { organizationId } = organization;
    if (!team)
      return organizationId === null
        ? null
        : userError('ORGANIZATION_NOT_ALLOWED', 'An organization is named only to buy a team plan.', field);
    if (organizationId === null)
      return userError('ORGANIZATION_REQUIRED', 'Name the organization the seats are for.', field);
    let role;
    try {
      role =
        organizationId.length <= 200 ? await this.deps.directory.roleOf(organizationId, viewer.id) : null;
    } catch (error) {
      this.deps.logger.warn('identity did not answer who owns the organization', {
        organizationId,
        error: String(error),
      });
      return userError(
        'ORGANIZATION_UNAVAILABLE',
        'The organization cannot be checked right now; please try again shortly.',
        field,
      );
    }
    return role === 'OWNER'
      ? null
      : userError('NOT_ORGANIZATION_OWNER', "Only the organization's owners buy its seats.", field);
  }
}

const seatsNotAllowed = (index: number) =>
  userError('SEATS_NOT_ALLOWED', 'Seats are bought only with a team plan.', itemField(index, 'seats'));

function itemShapeErrors(items: CheckoutItemInput[]): UserError[] {
  if (items.length === 0 || items.length > MAX_CHECKOUT_ITEMS) {
    return [
      userError('INVALID_ITEMS', `Choose 1 to ${MAX_CHECKOUT_ITEMS} items to buy.`, ['input', 'items']),
    ];
  }
  const errors: UserError[] = [];
  const seen = new Set<string>();
  let plansSeen = 0;
  items.forEach((item, index) => {
    if (!item.courseId === !item.planId) {
      errors.push(
        userError('INVALID_ITEM', 'Each item names exactly one of courseId and planId.', itemField(index)),
      );
    } else if (item.courseId) {
      if (seen.has(item.courseId))
        errors.push(
          userError(
            'DUPLICATE_ITEM',
            'Each course may be bought once per order.',
            itemField(index, 'courseId'),
          ),
        );
      seen.add(item.courseId);
    } else if (++plansSeen > 1) {
      errors.push(
        userError('TOO_MANY_PLANS', 'An order holds at most one plan.', itemField(index, 'planId')),
      );
    }
  });
  return errors;
}

/** The origin of an http(s) URL; null for anything else. */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}
