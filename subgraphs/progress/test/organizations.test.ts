import { randomUUID } from 'node:crypto';
import { serveFakeCommerce, type FakeCommerce } from '@learncraft/kit/testing';
import type { ApiKeyScopeName } from '@learncraft/kit';
import type { ProgressEventPayload } from '../src/domain/events';
import { CATALOG_SECRET, OTHER_COURSE, WEB_COURSE } from './support/catalogFixture';
import {
  COMPLETE,
  ENROLL,
  SUBMIT,
  startHarness,
  type GraphQLResponse,
  type Harness,
} from './support/harness';
import { startIdentityDouble, type IdentityDouble } from './support/identityDouble';

const ORG_ENROLLMENTS = /* GraphQL */ `
  query OrgEnrollments($id: ID!, $first: Int, $after: String, $filterBy: OrganizationEnrollmentFilter) {
    _entities(representations: [{ __typename: "Organization", id: $id }]) {
      ... on Organization {
        enrollments(first: $first, after: $after, filterBy: $filterBy) {
          totalCount
          pageInfo {
            hasNextPage
            hasPreviousPage
            startCursor
            endCursor
          }
          edges {
            cursor
            node {
              id
              user {
                id
              }
              course {
                id
              }
              enrolledAt
              updatedAt
              lastActivityAt
              completedAt
              progressPercent
            }
          }
        }
      }
    }
  }
`;

const ORG_QUIZ_RESULTS = /* GraphQL */ `
  query OrgQuiz($id: ID!) {
    _entities(representations: [{ __typename: "Organization", id: $id }]) {
      ... on Organization {
        enrollments(first: 1) {
          edges {
            node {
              lessons {
                lesson {
                  id
                }
                status
                quiz {
                  attemptsUsed
                  passed
                  answerKeyRevealed
                }
              }
              quizAttempts {
                scorePercent
                passed
                answerKeyRevealed
                results {
                  questionId
                  selectedOptionIds
                  correct
                  incorrectOptionIds
                  correctOptionIds
                  explanation
                }
              }
            }
          }
        }
      }
    }
  }
`;

const MEMBER_ENROLL = /* GraphQL */ `
  mutation MemberEnroll($input: OrganizationMemberEnrollInput!) {
    organizationMemberEnroll(input: $input) {
      enrollment {
        id
        user {
          id
        }
        course {
          id
        }
        progressPercent
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

const PASSING_ANSWERS = [
  { questionId: 'q1', optionIds: ['q1b'] },
  { questionId: 'q2', optionIds: ['q2a', 'q2c'] },
  { questionId: 'q3', optionIds: ['q3b'] },
];

describe('organizations: Organization.enrollments and organizationMemberEnroll', () => {
  let h: Harness;
  let identity: IdentityDouble;
  let commerce: FakeCommerce;
  let clock = new Date('2026-03-02T09:00:00.000Z');
  /** Moves the subgraph's clock one minute on and returns the new time. */
  const tick = () => {
    clock = new Date(clock.getTime() + 60_000);
    return clock.toISOString();
  };

  beforeAll(async () => {
    identity = await startIdentityDouble(CATALOG_SECRET);
    commerce = await serveFakeCommerce({ secret: CATALOG_SECRET });
    h = await startHarness([WEB_COURSE, OTHER_COURSE], {
      now: () => clock,
      commerceUrl: commerce.url,
      env: { IDENTITY_INTERNAL_URL: identity.url },
    });
  });
  afterAll(async () => {
    await h.close();
    await identity.close();
    await commerce.close();
  });

  const key = (organizationId: string, scopes: ApiKeyScopeName[] = ['progress:read']) =>
    h.keyToken({ id: randomUUID(), organizationId, scopes });
  const enrollments = async (token: string, id: string, variables: Record<string, unknown> = {}) =>
    h.gql(ORG_ENROLLMENTS, { id, ...variables }, token);
  type Result = GraphQLResponse<Record<string, any>>;
  const connection = (result: Result) => result.data?._entities[0].enrollments;
  const codes = (result: Result) => result.errors?.map((error) => error.extensions?.code);

  /** An organization with two members who learn, and a non-member who learns too. */
  async function organizationWithLearners() {
    const org = identity.organization();
    const ada = await h.learner();
    const bo = await h.learner();
    const outsider = await h.learner();
    identity.addMember(org, ada.id);
    identity.addMember(org, bo.id);
    const adaEnrolledAt = tick();
    const ada1 = (await h.gql(ENROLL, { courseId: WEB_COURSE.id }, ada.token)).data?.courseEnroll.enrollment;
    const boEnrolledAt = tick();
    const bo1 = (await h.gql(ENROLL, { courseId: OTHER_COURSE.id }, bo.token)).data?.courseEnroll.enrollment;
    const adaReadAt = tick();
    await h.gql(COMPLETE, { lessonId: 'web-reading' }, ada.token);
    tick();
    await h.gql(ENROLL, { courseId: WEB_COURSE.id }, outsider.token);
    return { org, ada, bo, outsider, ada1, bo1, adaEnrolledAt, boEnrolledAt, adaReadAt };
  }

  it("a key with progress:read reads its members' enrollments, least recently updated first, with exact values", async () => {
    const { org, ada, bo, ada1, bo1, adaEnrolledAt, boEnrolledAt, adaReadAt } =
      await organizationWithLearners();
    const result = await enrollments(await key(org), org);
    expect(result.errors).toBeUndefined();
    const page = connection(result);
    expect(page.totalCount).toBe(2);
    expect(page.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: page.edges[0].cursor,
      endCursor: page.edges[1].cursor,
    });
    expect(page.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      {
        id: bo1.id,
        user: { id: bo.id },
        course: { id: OTHER_COURSE.id },
        enrolledAt: boEnrolledAt,
        updatedAt: boEnrolledAt,
        lastActivityAt: boEnrolledAt,
        completedAt: null,
        progressPercent: 0,
      },
      {
        id: ada1.id,
        user: { id: ada.id },
        course: { id: WEB_COURSE.id },
        enrolledAt: adaEnrolledAt,
        updatedAt: adaReadAt,
        lastActivityAt: adaReadAt,
        completedAt: null,
        progressPercent: 25,
      },
    ]);
  });

  it('updatedSince and the cursor page through only the rows updated since', async () => {
    const { org, ada, bo, ada1, bo1, boEnrolledAt, adaReadAt } = await organizationWithLearners();
    const token = await key(org);
    const since = await enrollments(token, org, { filterBy: { updatedSince: adaReadAt } });
    expect(connection(since).totalCount).toBe(1);
    expect(connection(since).edges.map((edge: any) => edge.node.id)).toEqual([ada1.id]);

    const first = connection(
      await enrollments(token, org, { first: 1, filterBy: { updatedSince: boEnrolledAt } }),
    );
    expect(first.edges.map((edge: any) => edge.node.id)).toEqual([bo1.id]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = connection(
      await enrollments(token, org, {
        first: 1,
        after: first.pageInfo.endCursor,
        filterBy: { updatedSince: boEnrolledAt },
      }),
    );
    expect(second.edges.map((edge: any) => edge.node.id)).toEqual([ada1.id]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(second.totalCount).toBe(2);

    // Bo moves on: his enrollment now follows Ada's, and a sync from Ada's cursor finds it.
    const boMovedAt = tick();
    await h.gql(COMPLETE, { lessonId: 'other-video' }, bo.token);
    const after = connection(await enrollments(token, org, { after: second.pageInfo.endCursor }));
    expect(after.edges.map((edge: any) => [edge.node.id, edge.node.updatedAt])).toEqual([
      [bo1.id, boMovedAt],
    ]);

    const byUser = connection(await enrollments(token, org, { filterBy: { userId: ada.id } }));
    expect(byUser.edges.map((edge: any) => edge.node.id)).toEqual([ada1.id]);
    const byCourse = connection(await enrollments(token, org, { filterBy: { courseId: OTHER_COURSE.id } }));
    expect(byCourse.edges.map((edge: any) => edge.node.id)).toEqual([bo1.id]);
  });

  it("a non-member's enrollment is never listed, even when asked for by user id", async () => {
    const { org, outsider } = await organizationWithLearners();
    const token = await key(org);
    const all = connection(await enrollments(token, org));
    expect(all.edges.map((edge: any) => edge.node.user.id)).not.toContain(outsider.id);
    const asked = connection(await enrollments(token, org, { filterBy: { userId: outsider.id } }));
    expect(asked).toMatchObject({ totalCount: 0, edges: [] });
  });

  it("a removed member's enrollments disappear from the list", async () => {
    const { org, ada, bo1 } = await organizationWithLearners();
    const token = await key(org);
    identity.removeMember(org, ada.id);
    const page = connection(await enrollments(token, org));
    expect(page.totalCount).toBe(1);
    expect(page.edges.map((edge: any) => edge.node.id)).toEqual([bo1.id]);
  });

  it('a key of another organization, and a key without progress:read, are FORBIDDEN', async () => {
    const { org } = await organizationWithLearners();
    const other = identity.organization();
    expect(codes(await enrollments(await key(other), org))).toEqual(['FORBIDDEN']);
    expect(codes(await enrollments(await key(org, ['members:read', 'enrollments:write']), org))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('owners and managers read the list; a MEMBER is FORBIDDEN and an anonymous caller UNAUTHENTICATED', async () => {
    const { org, ada } = await organizationWithLearners();
    const owner = await h.learner();
    const manager = await h.learner();
    identity.addMember(org, owner.id, 'OWNER');
    identity.addMember(org, manager.id, 'MANAGER');
    expect(connection(await enrollments(owner.token, org)).totalCount).toBe(2);
    expect(connection(await enrollments(manager.token, org)).totalCount).toBe(2);
    expect(codes(await enrollments(ada.token, org))).toEqual(['FORBIDDEN']);
    const stranger = await h.learner();
    expect(codes(await enrollments(stranger.token, org))).toEqual(['FORBIDDEN']);
    expect(codes(await h.gql(ORG_ENROLLMENTS, { id: org }))).toEqual(['UNAUTHENTICATED']);
  });

  it('a malformed cursor is BAD_USER_INPUT', async () => {
    const org = identity.organization();
    expect(codes(await enrollments(await key(org), org, { after: 'bm9wZQ' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('quiz results read through the organization never show the answer key, which the learner sees', async () => {
    const org = identity.organization();
    const learner = await h.learner();
    identity.addMember(org, learner.id);
    tick();
    await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
    tick();
    const own = (await h.gql(SUBMIT, { lessonId: 'web-quiz', answers: PASSING_ANSWERS }, learner.token)).data
      ?.quizSubmit;
    expect(own.attempt).toMatchObject({ passed: true, answerKeyRevealed: true, scorePercent: 67 });
    expect(own.attempt.results[0].correctOptionIds).toEqual(['q1b']);

    const result = await h.gql(ORG_QUIZ_RESULTS, { id: org }, await key(org));
    expect(result.errors).toBeUndefined();
    const [node] = (result.data?._entities[0].enrollments.edges ?? []).map((edge: any) => edge.node);
    expect(node.lessons.find((lesson: any) => lesson.lesson.id === 'web-quiz')).toEqual({
      lesson: { id: 'web-quiz' },
      status: 'COMPLETED',
      quiz: { attemptsUsed: 1, passed: true, answerKeyRevealed: false },
    });
    expect(node.quizAttempts).toEqual([
      {
        scorePercent: 67,
        passed: true,
        answerKeyRevealed: false,
        results: ['q1', 'q2', 'q3'].map((questionId, index) => ({
          questionId,
          selectedOptionIds: [],
          correct: index < 2,
          incorrectOptionIds: [],
          correctOptionIds: null,
          explanation: null,
        })),
      },
    ]);
  });

  describe('organizationMemberEnroll', () => {
    const enroll = (token: string, input: { organizationId: string; userId: string; courseId: string }) =>
      h.gql(MEMBER_ENROLL, { input }, token);
    const enrollmentsOf = (userId: string) =>
      h.count('SELECT count(*) AS n FROM progress.enrollments WHERE user_id = $1', [userId]);

    it('a key with enrollments:write enrolls a member on a seat, once, and announces it', async () => {
      const org = identity.organization();
      const member = randomUUID();
      identity.addMember(org, member);
      commerce.seats.set(org, 2);
      const token = await key(org, ['enrollments:write']);
      const events = await h.pubsub.subscribe<ProgressEventPayload>(`progress:${OTHER_COURSE.id}`);
      const at = tick();
      const first = await enroll(token, { organizationId: org, userId: member, courseId: OTHER_COURSE.id });
      expect(first.errors).toBeUndefined();
      const enrollment = first.data?.organizationMemberEnroll.enrollment;
      expect(first.data?.organizationMemberEnroll).toEqual({
        enrollment: {
          id: enrollment.id,
          user: { id: member },
          course: { id: OTHER_COURSE.id },
          progressPercent: 0,
        },
        userErrors: [],
      });
      const again = await enroll(token, { organizationId: org, userId: member, courseId: OTHER_COURSE.id });
      expect(again.data?.organizationMemberEnroll).toEqual(first.data?.organizationMemberEnroll);
      expect(await enrollmentsOf(member)).toBe(1);
      expect([...(commerce.seatHolders.get(org) ?? [])]).toEqual([member]);
      expect((await events.next()).value).toEqual({
        enrollmentId: enrollment.id,
        userId: member,
        courseId: OTHER_COURSE.id,
        lessonId: null,
        kind: 'ENROLLED',
        at,
      });
      await events.return?.();
      const rows = await h.test.db.query<{ payload: unknown }>(
        "SELECT payload FROM progress.outbox WHERE payload->>'enrollmentId' = $1",
        [enrollment.id],
      );
      expect(rows.map((row) => row.payload)).toEqual([
        {
          type: 'enrolled',
          occurredAt: at,
          userId: member,
          courseId: OTHER_COURSE.id,
          enrollmentId: enrollment.id,
          lessonId: null,
          progressPercent: 0,
        },
      ]);
    });

    it('enrolling beyond the seats is SEATS_EXHAUSTED and makes no enrollment', async () => {
      const org = identity.organization();
      const [first, second] = [randomUUID(), randomUUID()];
      identity.addMember(org, first);
      identity.addMember(org, second);
      commerce.seats.set(org, 1);
      const token = await key(org, ['enrollments:write']);
      await enroll(token, { organizationId: org, userId: first, courseId: WEB_COURSE.id });
      const refused = await enroll(token, { organizationId: org, userId: second, courseId: WEB_COURSE.id });
      expect(refused.data?.organizationMemberEnroll).toEqual({
        enrollment: null,
        userErrors: [
          {
            code: 'SEATS_EXHAUSTED',
            message: 'Every seat of the organization is taken.',
            field: ['input', 'organizationId'],
          },
        ],
      });
      expect(await enrollmentsOf(second)).toBe(0);
    });

    it('an organization without seats is NO_SEATS and makes no enrollment', async () => {
      const org = identity.organization();
      const member = randomUUID();
      identity.addMember(org, member);
      const refused = await enroll(await key(org, ['enrollments:write']), {
        organizationId: org,
        userId: member,
        courseId: WEB_COURSE.id,
      });
      expect(refused.data?.organizationMemberEnroll.userErrors.map((error: any) => error.code)).toEqual([
        'NO_SEATS',
      ]);
      expect(await enrollmentsOf(member)).toBe(0);
    });

    it('a user who is not (or no longer) a member is NOT_MEMBER, an unknown course COURSE_NOT_FOUND, and no seat is taken', async () => {
      const org = identity.organization();
      const member = randomUUID();
      const stranger = randomUUID();
      identity.addMember(org, member);
      commerce.seats.set(org, 5);
      const token = await key(org, ['enrollments:write']);
      const notMember = await enroll(token, {
        organizationId: org,
        userId: stranger,
        courseId: WEB_COURSE.id,
      });
      expect(notMember.data?.organizationMemberEnroll).toEqual({
        enrollment: null,
        userErrors: [
          {
            code: 'NOT_MEMBER',
            message: `User ${stranger} is not a member of this organization.`,
            field: ['input', 'userId'],
          },
        ],
      });
      const noCourse = await enroll(token, { organizationId: org, userId: member, courseId: 'course-nope' });
      expect(noCourse.data?.organizationMemberEnroll.userErrors).toEqual([
        {
          code: 'COURSE_NOT_FOUND',
          message: 'Course course-nope was not found.',
          field: ['input', 'courseId'],
        },
      ]);
      identity.removeMember(org, member);
      const left = await enroll(token, { organizationId: org, userId: member, courseId: WEB_COURSE.id });
      expect(left.data?.organizationMemberEnroll.userErrors.map((error: any) => error.code)).toEqual([
        'NOT_MEMBER',
      ]);
      expect(commerce.seatHolders.get(org)).toBeUndefined();
      expect(await enrollmentsOf(stranger)).toBe(0);
      expect(await enrollmentsOf(member)).toBe(0);
    });

    it('a key without enrollments:write, a key of another organization and a MEMBER are FORBIDDEN; managers may', async () => {
      const org = identity.organization();
      const member = await h.learner();
      const manager = await h.learner();
      identity.addMember(org, member.id);
      identity.addMember(org, manager.id, 'MANAGER');
      commerce.seats.set(org, 5);
      const input = { organizationId: org, userId: member.id, courseId: WEB_COURSE.id };
      expect(codes(await enroll(await key(org, ['progress:read']), input))).toEqual(['FORBIDDEN']);
      expect(codes(await enroll(await key(identity.organization(), ['enrollments:write']), input))).toEqual([
        'FORBIDDEN',
      ]);
      expect(codes(await enroll(member.token, input))).toEqual(['FORBIDDEN']);
      expect(await enrollmentsOf(member.id)).toBe(0);
      const byManager = await enroll(manager.token, input);
      expect(byManager.data?.organizationMemberEnroll.userErrors).toEqual([]);
      expect(await enrollmentsOf(member.id)).toBe(1);
    });
  });
});
