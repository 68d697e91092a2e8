/**
 * Who may learn which course, decided for many courses at once (Course.viewerAccess and the
 * internal course-access route every other service enforces): FREE without a price; then ADMIN;
 * INSTRUCTOR for the course's teachers; PURCHASED with an unrevoked grant of the course;
 * SUBSCRIPTION while a plan's grant covers now (until its period end); ORGANIZATION_SEAT for a
 * holder of a seat of an organization whose team plan covers now, while they are still its member
 * (identity's directory is asked; until the period end); otherwise SIGN_IN_REQUIRED for anonymous
 * callers and PAYMENT_REQUIRED for the rest.
 */
import type { AccessSubject, CourseAccessDecision, OrganizationDirectory } from '@learncraft/kit';
import type { CatalogCourse } from '../stores/catalogClient';
import type { CommerceStore } from '../stores/commerceStore';

/** Course facts by id: the per-request catalog loader, or the client itself. */
export type CourseLookup = (ids: readonly string[]) => Promise<CatalogCourse[]>;

export class AccessService {
  constructor(
    private readonly deps: {
      store: CommerceStore;
      courses: CourseLookup;
      directory: Pick<OrganizationDirectory, 'roleOf'>;
      now: () => Date;
    },
  ) {}

  async decide(
    subject: AccessSubject | null,
    courseIds: readonly string[],
    courses: CourseLookup = this.deps.courses,
  ): Promise<CourseAccessDecision[]> {
    const decision = (
      courseId: string,
      hasAccess: boolean,
      reason: CourseAccessDecision['reason'],
      expiresAt: Date | null = null,
    ) => ({
      courseId,
      hasAccess,
      reason,
      expiresAt: expiresAt?.toISOString() ?? null,
    });
    const priced = new Set((await this.deps.store.pricesByCourses(courseIds)).map((price) => price.courseId));
    const paid = [...new Set(courseIds.filter((id) => priced.has(id)))];
    if (!subject || paid.length === 0) {
      return courseIds.map((id) =>
        priced.has(id) ? decision(id, false, 'SIGN_IN_REQUIRED') : decision(id, true, 'FREE'),
      );
    }
    if (subject.roles.includes('ADMIN')) {
      return courseIds.map((id) =>
        priced.has(id) ? decision(id, true, 'ADMIN') : decision(id, true, 'FREE'),
      );
    }
    const now = this.deps.now();
    const [facts, grants] = await Promise.all([
      courses(paid),
      this.deps.store.activeEntitlements(subject.id, paid, now),
    ]);
    const taught = new Set(
      facts.filter((course) => course.instructorIds.includes(subject.id)).map((course) => course.id),
    );
    const bought = new Set(grants.flatMap((grant) => grant.courseId ?? []));
    const planEnd = grants
      .flatMap((grant) => (grant.planId !== null && grant.expiresAt ? [grant.expiresAt] : []))
      .sort((a, b) => b.getTime() - a.getTime())[0];
    const undecided = !planEnd && paid.some((id) => !taught.has(id) && !bought.has(id));
    const seatEnd = undecided ? await this.seatEnd(subject.id, now) : null;
    return courseIds.map((id) => {
      if (!priced.has(id)) return decision(id, true, 'FREE');
      if (taught.has(id)) return decision(id, true, 'INSTRUCTOR');
      if (bought.has(id)) return decision(id, true, 'PURCHASED');
      if (planEnd) return decision(id, true, 'SUBSCRIPTION', planEnd);
      if (seatEnd) return decision(id, true, 'ORGANIZATION_SEAT', seatEnd);
      return decision(id, false, 'PAYMENT_REQUIRED');
    });
  }

  /**
   * When the user's organization seat ends (the latest period end among the organizations with a
   * team plan covering now where they hold a seat and are still a member); null without one.
   * Throws when identity cannot say who is a member: the route answers 500 and callers answer
   * ACCESS_UNAVAILABLE rather than guess.
   */
  private async seatEnd(userId: string, now: Date): Promise<Date | null> {
    const holdings = await this.deps.store.seatHoldings(userId, now);
    let end: Date | null = null;
    for (const holding of holdings.sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())) {
      if ((await this.deps.directory.roleOf(holding.organizationId, userId)) === null) continue;
      end = holding.expiresAt;
      break;
    }
    return end;
  }
}
