/**
 * Coupon management: couponCreate (INSTRUCTORs for courses they teach, never plans or
 * everything; ADMINs for anything), couponDeactivate, and the coupons a viewer may manage.
 */
import {
  forbidden,
  hasRole,
  notFound,
  requireRole,
  userError,
  type PageRequest,
  type UserError,
  type Viewer,
} from '@learncraft/kit';
import { parseMoney } from '../domain/money';
import type { CommerceStore, CouponRecord } from '../stores/commerceStore';
import type { CourseLookup } from './access';

export interface CouponCreateInput {
  code: string;
  percentOff?: number | null;
  amountOff?: { amount: number; currency: string } | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
  maxRedemptions?: number | null;
  courseIds?: string[] | null;
  planIds?: string[] | null;
}

const CODE = /^[A-Za-z0-9_-]{3,32}$/;
const MAX_TARGETS = 50;

type Result = { coupon: CouponRecord | null; userErrors: UserError[] };

export class CouponService {
  constructor(private readonly deps: { store: CommerceStore; now: () => Date }) {}

  async create(viewer: Viewer, input: CouponCreateInput, courses: CourseLookup): Promise<Result> {
    requireRole(viewer, 'INSTRUCTOR', 'ADMIN');
    const refuse = (code: string, message: string, ...field: string[]): Result => ({
      coupon: null,
      userErrors: [userError(code, message, ['input', ...field])],
    });
    const code = input.code.trim();
    if (!CODE.test(code))
      return refuse('INVALID_CODE', 'The code must be 3 to 32 letters, digits, - or _.', 'code');
    const hasPercent = input.percentOff !== null && input.percentOff !== undefined;
    if (hasPercent === !!input.amountOff)
      return refuse('COUPON_KIND', 'Give exactly one of percentOff and amountOff.', 'percentOff');
    if (
      hasPercent &&
      (!Number.isInteger(input.percentOff) || input.percentOff! < 1 || input.percentOff! > 100)
    )
      return refuse('INVALID_PERCENT', 'percentOff must be an integer from 1 to 100.', 'percentOff');
    let amountOff = null;
    if (input.amountOff) {
      const parsed = parseMoney(input.amountOff);
      if (!parsed.ok)
        return refuse(
          parsed.code,
          parsed.message,
          'amountOff',
          parsed.code === 'INVALID_AMOUNT' ? 'amount' : 'currency',
        );
      amountOff = parsed.money;
    }
    const now = this.deps.now();
    const validFrom = input.validFrom ?? now;
    const validUntil = input.validUntil ?? null;
    if (validUntil && validUntil <= validFrom)
      return refuse('INVALID_WINDOW', 'validUntil must be after validFrom.', 'validUntil');
    const max = input.maxRedemptions ?? null;
    if (max !== null && (!Number.isInteger(max) || max < 1))
      return refuse('INVALID_MAX_REDEMPTIONS', 'maxRedemptions must be 1 or more.', 'maxRedemptions');
    const courseIds = [...new Set(input.courseIds ?? [])];
    const planIds = [...new Set(input.planIds ?? [])];
    if (courseIds.length > MAX_TARGETS || planIds.length > MAX_TARGETS)
      return refuse(
        'TOO_MANY_TARGETS',
        `A coupon names at most ${MAX_TARGETS} courses and plans each.`,
        'courseIds',
      );
    const isAdmin = hasRole(viewer, 'ADMIN');
    if (!isAdmin && planIds.length > 0)
      return refuse('NOT_YOUR_COURSE', 'Only ADMINs may make coupons for plans.', 'planIds');
    if (!isAdmin && courseIds.length === 0)
      return refuse('NOT_YOUR_COURSE', 'Name at least one course you teach.', 'courseIds');
    const facts = courseIds.length > 0 ? await courses(courseIds) : [];
    for (const [index, courseId] of courseIds.entries()) {
      const course = facts.find((candidate) => candidate.id === courseId);
      if (!course)
        return refuse('COURSE_NOT_FOUND', `Course ${courseId} was not found.`, 'courseIds', String(index));
      if (!isAdmin && !course.instructorIds.includes(viewer.id))
        return refuse('NOT_YOUR_COURSE', `You do not teach ${course.title}.`, 'courseIds', String(index));
    }
    const plans = await this.deps.store.plansByIds(planIds);
    const unknownPlan = planIds.findIndex((id) => !plans.some((plan) => plan.id === id));
    if (unknownPlan >= 0)
      return refuse(
        'PLAN_NOT_FOUND',
        `Plan ${planIds[unknownPlan]} was not found.`,
        'planIds',
        String(unknownPlan),
      );
    const coupon = await this.deps.store.insertCoupon({
      code: code.toUpperCase(),
      kind: hasPercent ? 'PERCENT' : 'AMOUNT',
      percentOff: hasPercent ? (input.percentOff ?? null) : null,
      amountOff: amountOff?.amount ?? null,
      amountCurrency: amountOff?.currency ?? null,
      validFrom,
      validUntil,
      maxRedemptions: max,
      courseIds,
      planIds,
      createdBy: viewer.id,
      createdAt: now,
    });
    if (!coupon) return refuse('CODE_TAKEN', `The code ${code.toUpperCase()} is taken.`, 'code');
    return { coupon, userErrors: [] };
  }

  async deactivate(viewer: Viewer, couponId: string, courses: CourseLookup): Promise<Result> {
    const [coupon] = await this.deps.store.couponsByIds([couponId]);
    if (!coupon || !(await this.canManage(viewer, coupon, courses))) throw notFound('Coupon', couponId);
    if (!coupon.active)
      return {
        coupon: null,
        userErrors: [
          userError('ALREADY_INACTIVE', 'This coupon is already inactive.', ['input', 'couponId']),
        ],
      };
    return { coupon: await this.deps.store.deactivateCoupon(coupon.id), userErrors: [] };
  }

  /** ADMINs: every coupon; INSTRUCTORs: the coupons they created. */
  async list(viewer: Viewer, page: PageRequest): Promise<{ rows: CouponRecord[]; total: number }> {
    if (!hasRole(viewer, 'INSTRUCTOR', 'ADMIN'))
      throw forbidden('Only INSTRUCTORs and ADMINs manage coupons.');
    const createdBy = hasRole(viewer, 'ADMIN') ? null : viewer.id;
    const [rows, total] = await Promise.all([
      this.deps.store.couponPage(createdBy, page),
      this.deps.store.couponCount(createdBy),
    ]);
    return { rows, total };
  }

  /** Its creator, an instructor of one of its courses, or an ADMIN. */
  async canManage(viewer: Viewer, coupon: CouponRecord, courses: CourseLookup): Promise<boolean> {
    if (hasRole(viewer, 'ADMIN') || coupon.createdBy === viewer.id) return true;
    if (coupon.courseIds.length === 0) return false;
    return (await courses(coupon.courseIds)).some((course) => course.instructorIds.includes(viewer.id));
  }
}
