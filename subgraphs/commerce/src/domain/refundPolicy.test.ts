import { refundDecision, type RefundPolicy } from './refundPolicy';

const policy: RefundPolicy = { windowDays: 14, maxCompletionPercent: 30 };
const paidAt = new Date('2026-03-01T10:00:00.000Z');
const deadline = new Date('2026-03-15T10:00:00.000Z');
const buyer = { id: 'buyer-1', isAdmin: false };
const admin = { id: 'admin-1', isAdmin: true };
const paidOrder = { buyerId: 'buyer-1', status: 'PAID', paidAt };

const decide = (overrides: Partial<Parameters<typeof refundDecision>[0]> = {}) =>
  refundDecision({
    viewer: buyer,
    order: paidOrder,
    completionPercents: [0],
    now: new Date('2026-03-02T00:00:00.000Z'),
    policy,
    ...overrides,
  });

describe('refundDecision', () => {
  it('lets the buyer refund a paid order inside the window, and tells the deadline', () => {
    expect(decide()).toEqual({ eligible: true, deadline });
  });

  it('lets the buyer refund a millisecond before the deadline but not at it', () => {
    expect(decide({ now: new Date(deadline.getTime() - 1) })).toEqual({ eligible: true, deadline });
    expect(decide({ now: deadline })).toEqual({
      eligible: false,
      code: 'REFUND_WINDOW_CLOSED',
      message: 'Refunds are possible for 14 days after payment; that time has passed.',
      deadline,
    });
  });

  it('refuses the buyer when a course is completed to the limit (30 %) or more, allows 29.9 %', () => {
    expect(decide({ completionPercents: [0, 29.9] })).toEqual({ eligible: true, deadline });
    expect(decide({ completionPercents: [10, 30] })).toEqual({
      eligible: false,
      code: 'TOO_MUCH_COMPLETED',
      message: 'A course of this order is 30 % or more completed, so it cannot be refunded.',
      deadline,
    });
  });

  it('allows an order that grants no course (a plan) when inside the window', () => {
    expect(decide({ completionPercents: [] })).toEqual({ eligible: true, deadline });
  });

  it('refuses someone else with NOT_YOUR_ORDER, whatever the order status', () => {
    for (const status of ['PAID', 'REFUNDED', 'PENDING']) {
      expect(decide({ viewer: { id: 'stranger', isAdmin: false }, order: { ...paidOrder, status } })).toEqual(
        {
          eligible: false,
          code: 'NOT_YOUR_ORDER',
          message: 'Only the buyer can refund this order.',
          deadline: null,
        },
      );
    }
  });

  it('refuses a refunded order with ALREADY_REFUNDED', () => {
    expect(decide({ order: { ...paidOrder, status: 'REFUNDED' } })).toEqual({
      eligible: false,
      code: 'ALREADY_REFUNDED',
      message: 'This order is already refunded.',
      deadline: null,
    });
  });

  it.each(['PENDING', 'DECLINED', 'CANCELED'])('refuses a %s order with NOT_PAID', (status) => {
    expect(decide({ order: { ...paidOrder, status, paidAt: null } })).toEqual({
      eligible: false,
      code: 'NOT_PAID',
      message: 'Only a paid order can be refunded.',
      deadline: null,
    });
  });

  it('treats a PAID order without a payment time as NOT_PAID rather than guessing a deadline', () => {
    expect(decide({ order: { ...paidOrder, paidAt: null } })).toMatchObject({
      eligible: false,
      code: 'NOT_PAID',
    });
  });

  it('lets an admin refund any paid order, late and completed, with no deadline', () => {
    expect(
      decide({ viewer: admin, completionPercents: [100], now: new Date('2027-01-01T00:00:00.000Z') }),
    ).toEqual({ eligible: true, deadline: null });
  });

  it('does not let an admin refund an order twice', () => {
    expect(decide({ viewer: admin, order: { ...paidOrder, status: 'REFUNDED' } })).toMatchObject({
      eligible: false,
      code: 'ALREADY_REFUNDED',
    });
  });

  it('follows the configured window and completion limit', () => {
    const strict = { windowDays: 1, maxCompletionPercent: 5 };
    expect(decide({ policy: strict, now: new Date('2026-03-02T10:00:00.000Z') })).toMatchObject({
      code: 'REFUND_WINDOW_CLOSED',
      deadline: new Date('2026-03-02T10:00:00.000Z'),
    });
    expect(decide({ policy: strict, now: paidAt, completionPercents: [5] })).toMatchObject({
      code: 'TOO_MUCH_COMPLETED',
    });
  });
});
