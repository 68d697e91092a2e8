/**
 * Objects as the API returns them, for the resolvers of the screens' tests: a course with its
 * syllabus, money, connections, sessions and orders. Each builder takes overrides for the fields a
 * test is about.
 */
import { GraphQLError } from 'graphql';

export function money(amount: number) {
  return { amount, currency: 'USD', formatted: `$${(amount / 100).toFixed(2)}` };
}

export const CATEGORIES = [
  { id: 'cat-1', slug: 'devops', name: 'DevOps', description: 'Ship it.', courseCount: 9 },
  { id: 'cat-2', slug: 'web', name: 'Web', description: 'The web platform.', courseCount: 6 },
];

export function lesson(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    title: `Lesson ${id}`,
    kind: 'READING',
    position: 1,
    durationSeconds: 300,
    preview: false,
    viewerProgress: null,
    ...overrides,
  };
}

export function course(overrides: Record<string, unknown> = {}) {
  return {
    id: 'course-ts',
    slug: 'typescript-basics',
    title: 'TypeScript Basics',
    summary: 'Types for JavaScript developers.',
    description: 'Learn the type system step by step.',
    level: 'BEGINNER',
    language: 'en',
    thumbnailUrl: null,
    lessonCount: 3,
    totalDurationSeconds: 5400,
    category: CATEGORIES[1],
    price: null,
    instructors: [{ id: 'user-9', displayName: 'Grace Teacher' }],
    modules: [
      {
        id: 'module-1',
        title: 'Getting started',
        summary: '',
        position: 1,
        lessons: [
          lesson('lesson-1', { title: 'Why types', kind: 'VIDEO', preview: true }),
          lesson('lesson-2', { title: 'Your first type', position: 2 }),
          lesson('lesson-3', { title: 'Try it in a lab', kind: 'LAB', position: 3 }),
        ],
      },
    ],
    viewerEnrollment: null,
    viewerAccess: { hasAccess: true, reason: 'FREE', expiresAt: null },
    ...overrides,
  };
}

/** `count` catalog courses numbered from `from` (titles "Course 1", "Course 2", …). */
export function courses(from: number, count: number, overrides: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, index) => {
    const n = from + index;
    return course({ id: `course-${n}`, slug: `course-${n}`, title: `Course ${n}`, ...overrides });
  });
}

export function connection<Node extends { id: string }>(
  nodes: readonly Node[],
  page: { totalCount: number; hasNextPage: boolean },
) {
  return {
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: nodes.length ? `cursor-${nodes.at(-1)?.id}` : null,
    },
    edges: nodes.map((node) => ({ cursor: `cursor-${node.id}`, node })),
  };
}

export function sessionPayload() {
  return {
    accessToken: 'new-access-token',
    accessTokenExpiresAt: '2030-01-01T00:15:00.000Z',
    refreshToken: 'new-refresh-token',
    refreshTokenExpiresAt: '2030-01-31T00:00:00.000Z',
    user: { id: 'user-1', displayName: 'Ada Learner', email: 'ada@example.com', roles: ['LEARNER'] },
  };
}

export function rateLimited(retryAfterSeconds: number) {
  return new GraphQLError('Too many requests.', {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
  });
}

export function order(overrides: Record<string, unknown> = {}) {
  const line = {
    id: 'line-1',
    title: 'TypeScript Basics',
    unitPrice: money(4900),
    discount: money(0),
    total: money(4900),
    course: { id: 'course-ts', slug: 'typescript-basics' },
    plan: null,
  };
  return {
    id: 'order-1',
    number: 'LC-1001',
    status: 'PAID',
    createdAt: '2026-12-01T14:00:00.000Z',
    paidAt: '2026-12-01T14:00:01.000Z',
    couponCode: null,
    lines: [line],
    subtotal: money(4900),
    discount: money(0),
    total: money(4900),
    payment: { provider: 'TEST', checkoutUrl: null, cardLast4: '4242', declineReason: null },
    receipt: { number: 'R-1001', issuedAt: '2026-12-01T14:00:01.000Z', billedTo: 'Ada Learner' },
    refund: null,
    refundEligibility: { eligible: true, reason: null, deadline: '2026-12-15T14:00:00.000Z' },
    ...overrides,
  };
}
