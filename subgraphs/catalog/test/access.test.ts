/**
 * Paid lessons (commerce's course access): for a viewer without access, every lesson of a paid
 * course but its first (the free preview) resolves as LockedContent; one access call per request
 * for a page of lessons; an `entitlement.changed` event is seen by the next request. Syllabus and
 * titles stay public.
 */
import { randomUUID } from 'node:crypto';
import { announceEntitlementChanged, serveFakeCommerce, type FakeCommerce } from '@learncraft/kit/testing';
import type { CourseDocument } from '../src/domain/course';
import { makeCourse, module, readingLesson } from './support/courses';
import { INTERNAL_SECRET, startTestCatalog, type Json, type TestCatalog } from './support/server';

const COURSE = /* GraphQL */ `
  query ($id: ID!) {
    course(id: $id) {
      modules {
        lessons {
          title
          preview
          content {
            __typename
            ... on ReadingContent {
              markdown
            }
            ... on LockedContent {
              reason
            }
          }
        }
      }
    }
  }
`;

const INSTRUCTOR = randomUUID();
const paidCourse = () =>
  makeCourse({
    instructorIds: [INSTRUCTOR],
    modules: [
      module('One', [readingLesson('Welcome'), readingLesson('Types')]),
      module('Two', [readingLesson('Generics')]),
    ],
  });

const lessonsOf = (response: { data?: Json }) =>
  (response.data?.course.modules as Json[]).flatMap((one: Json) => one.lessons as Json[]);
const open = (title: string, preview = false) => ({
  title,
  preview,
  content: { __typename: 'ReadingContent', markdown: `# ${title}` },
});
const locked = (title: string, reason: string) => ({
  title,
  preview: false,
  content: { __typename: 'LockedContent', reason },
});

describe('paid lessons with commerce', () => {
  let catalog: TestCatalog;
  let commerce: FakeCommerce;
  let paid: CourseDocument;
  let free: CourseDocument;
  beforeAll(async () => {
    commerce = await serveFakeCommerce({ secret: INTERNAL_SECRET });
    catalog = await startTestCatalog({ COMMERCE_INTERNAL_URL: commerce.url });
    paid = await catalog.server.courseStore.create(paidCourse());
    free = await catalog.server.courseStore.create(paidCourse());
    commerce.paid.add(paid.id);
  });
  afterAll(async () => {
    await catalog.close();
    await commerce.close();
  });
  afterEach(() => {
    commerce.failWith = null;
  });

  const learner = async () => {
    const id = randomUUID();
    return { id, token: await catalog.token(id, ['LEARNER']) };
  };

  it('an anonymous viewer opens the first lesson (the preview); the others are locked SIGN_IN_REQUIRED', async () => {
    const response = await catalog.gql(COURSE, { id: paid.id });
    expect(lessonsOf(response)).toEqual([
      open('Welcome', true),
      locked('Types', 'SIGN_IN_REQUIRED'),
      locked('Generics', 'SIGN_IN_REQUIRED'),
    ]);
  });

  it('a learner without access sees PAYMENT_REQUIRED, with one access call for the whole page', async () => {
    const { id, token } = await learner();
    const before = commerce.calls.length;
    const response = await catalog.gql(COURSE, { id: paid.id }, token);
    expect(lessonsOf(response)).toEqual([
      open('Welcome', true),
      locked('Types', 'PAYMENT_REQUIRED'),
      locked('Generics', 'PAYMENT_REQUIRED'),
    ]);
    expect(commerce.calls.slice(before)).toEqual([{ userId: id, roles: ['LEARNER'], courseIds: [paid.id] }]);
  });

  it('a learner who bought the course opens every lesson; the first is still marked preview', async () => {
    const { id, token } = await learner();
    commerce.grant(id, paid.id);
    const response = await catalog.gql(COURSE, { id: paid.id }, token);
    expect(lessonsOf(response)).toEqual([open('Welcome', true), open('Types'), open('Generics')]);
  });

  it('a free course has no preview and nothing locked', async () => {
    const { token } = await learner();
    const response = await catalog.gql(COURSE, { id: free.id }, token);
    expect(lessonsOf(response)).toEqual([open('Welcome'), open('Types'), open('Generics')]);
  });

  it('the course’s instructor opens every lesson; only the preview flag asks commerce', async () => {
    const before = commerce.calls.length;
    const token = await catalog.token(INSTRUCTOR, ['INSTRUCTOR']);
    const response = await catalog.gql(COURSE, { id: paid.id }, token);
    expect(lessonsOf(response).map((lesson: Json) => lesson.content.__typename)).toEqual([
      'ReadingContent',
      'ReadingContent',
      'ReadingContent',
    ]);
    // Only the preview flag of the first lesson asks whether the course is paid.
    expect(commerce.calls.length - before).toBe(1);
  });

  it('a purchase opens the lessons on the next request; a refund announced by entitlement.changed closes them', async () => {
    const { id, token } = await learner();
    expect(lessonsOf(await catalog.gql(COURSE, { id: paid.id }, token))[1]).toEqual(
      locked('Types', 'PAYMENT_REQUIRED'),
    );
    // Refusals are not cached: the purchase counts at once.
    commerce.grant(id, paid.id);
    expect(lessonsOf(await catalog.gql(COURSE, { id: paid.id }, token))[1]).toEqual(open('Types'));
    // Grants are cached until commerce announces the change.
    commerce.revoke(id, paid.id);
    expect(lessonsOf(await catalog.gql(COURSE, { id: paid.id }, token))[1]).toEqual(open('Types'));
    await announceEntitlementChanged(catalog.server.url, INTERNAL_SECRET, {
      userId: id,
      courseIds: [paid.id],
    });
    expect(lessonsOf(await catalog.gql(COURSE, { id: paid.id }, token))[1]).toEqual(
      locked('Types', 'PAYMENT_REQUIRED'),
    );
  });

  it('when commerce cannot answer, lessons past the preview are locked ACCESS_UNAVAILABLE, the syllabus stays', async () => {
    const { token } = await learner();
    commerce.failWith = 503;
    const response = await catalog.gql(COURSE, { id: paid.id }, token);
    expect(response.errors).toBeUndefined();
    expect(lessonsOf(response)).toEqual([
      open('Welcome', true),
      locked('Types', 'ACCESS_UNAVAILABLE'),
      locked('Generics', 'ACCESS_UNAVAILABLE'),
    ]);
  });
});

describe('paid lessons without commerce (COMMERCE_INTERNAL_URL unset)', () => {
  it('every lesson is open and none is a preview', async () => {
    const catalog = await startTestCatalog();
    try {
      const course = await catalog.server.courseStore.create(paidCourse());
      const response = await catalog.gql(COURSE, { id: course.id });
      expect(lessonsOf(response)).toEqual([open('Welcome'), open('Types'), open('Generics')]);
    } finally {
      await catalog.close();
    }
  });
});
