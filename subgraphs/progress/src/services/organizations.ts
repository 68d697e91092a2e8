/**
 * What an organization does in progress: list its current members' enrollments for incremental
 * sync (keyset pages over (updatedAt, id), so rows that change while a partner pages through move
 * ahead of it instead of shifting every later page), and enroll a member on one of its seats.
 * Both authorize through the kit's `authorizeOrganization` (owners and managers, platform admins,
 * or a key of the organization with the scope); membership is asked of identity on each request.
 */
import {
  authorizeOrganization,
  badUserInput,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  userError,
  type Connection,
} from '@learncraft/kit';
import type { ProgressContext } from '../context';
import type { EnrollmentRecord } from '../stores/progressStore';
import { enrollMemberInCourse, type Outcome } from './learning';

export interface OrganizationEnrollmentArgs {
  first?: number | null;
  after?: string | null;
  filterBy?: { updatedSince?: Date | null; userId?: string | null; courseId?: string | null } | null;
}

/** An enrollment read on behalf of an organization: its quiz results never show the answer key. */
export type OrganizationEnrollment = EnrollmentRecord & { readFor: 'ORGANIZATION' };

const READERS = { scope: 'progress:read', roles: ['OWNER', 'MANAGER'] } as const;
const ENROLLERS = { scope: 'enrollments:write', roles: ['OWNER', 'MANAGER'] } as const;

export async function organizationEnrollments(
  ctx: ProgressContext,
  organizationId: string,
  args: OrganizationEnrollmentArgs,
): Promise<Connection<OrganizationEnrollment>> {
  await authorizeOrganization(ctx, organizationId, READERS, ctx.stores.organizations);
  const limit = pageSize(args.first);
  const after = args.after ? decodeSyncCursor(args.after) : null;
  const members = await ctx.loaders.organizationMembers.load(organizationId);
  const filter = args.filterBy ?? {};
  const memberIds = members.map((member) => member.userId);
  const userIds = filter.userId ? memberIds.filter((id) => id === filter.userId) : memberIds;
  const { rows, totalCount } = await ctx.stores.progress.enrollmentSyncPage({
    userIds,
    courseId: filter.courseId,
    updatedSince: filter.updatedSince,
    after,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const edges = page.map((row) => ({
    cursor: encodeSyncCursor(row),
    node: { ...row, readFor: 'ORGANIZATION' as const },
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/**
 * Enrolls a member on the organization's seats: authorized, a member (NOT_MEMBER), a published
 * course (COURSE_NOT_FOUND), a seat (NO_SEATS, SEATS_EXHAUSTED), then exactly as courseEnroll
 * for that member. A refusal changes nothing here (a seat taken for a course that then fails the
 * access check stays with the member: seats belong to members, not to enrollments).
 */
export async function enrollOrganizationMember(
  ctx: ProgressContext,
  input: { organizationId: string; userId: string; courseId: string },
): Promise<Outcome<{ enrollment: EnrollmentRecord }>> {
  await authorizeOrganization(ctx, input.organizationId, ENROLLERS, ctx.stores.organizations);
  const role = await ctx.stores.organizations.roleOf(input.organizationId, input.userId);
  if (!role) {
    return refuse('NOT_MEMBER', `User ${input.userId} is not a member of this organization.`, 'userId');
  }
  const [course] = await ctx.stores.catalog.coursesByIds([input.courseId], { fresh: true });
  if (!course || !course.published) {
    return refuse('COURSE_NOT_FOUND', `Course ${input.courseId} was not found.`, 'courseId');
  }
  const seat = await ctx.stores.seats.assign(input.organizationId, input.userId);
  if (!seat.ok) {
    if (seat.refusal === 'NOT_A_MEMBER')
      return refuse('NOT_MEMBER', `User ${input.userId} is not a member of this organization.`, 'userId');
    return seat.refusal === 'NO_SEATS'
      ? refuse(
          'NO_SEATS',
          'The organization has no seats (none bought, or its plan has ended).',
          'organizationId',
        )
      : refuse('SEATS_EXHAUSTED', 'Every seat of the organization is taken.', 'organizationId');
  }
  // The seat may have changed the member's access a moment ago: ask commerce afresh.
  await ctx.access.forget(input.userId);
  return enrollMemberInCourse(ctx, { id: input.userId, roles: ['LEARNER'] }, course);
}

function refuse(
  code: string,
  message: string,
  field: string,
): { ok: false; userErrors: ReturnType<typeof userError>[] } {
  return { ok: false, userErrors: [userError(code, message, ['input', field])] };
}

function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be an integer from 0 to ${MAX_PAGE_SIZE}.`, 'first');
  }
  return size;
}

/** The keyset position of a row: its (updatedAt, id), opaque to clients. */
export function encodeSyncCursor(row: { updatedAt: Date; id: string }): string {
  return Buffer.from(`u:${row.updatedAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeSyncCursor(cursor: string): { updatedAt: Date; id: string } {
  const match = /^u:([0-9T:.\-Z]{20,30})\|([0-9a-f-]{36})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  const updatedAt = match?.[1] ? new Date(match[1]) : null;
  if (!match?.[2] || !updatedAt || Number.isNaN(updatedAt.getTime()))
    throw badUserInput('The cursor is not valid.', 'after');
  return { updatedAt, id: match[2] };
}
