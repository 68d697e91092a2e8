/** A purchase or refund makes the cache forget the viewer's access, so the pages ask again. */
import { gql } from '@apollo/client';
import { createCache } from '../../src/cache';
import { forgetOrderAccess } from '@learncraft/operations/courseAccess';

const COURSE = gql`
  query Course($id: ID!) {
    course(id: $id) {
      id
      title
      viewerAccess {
        hasAccess
      }
    }
    me {
      id
      planSubscription {
        id
      }
    }
  }
`;

function seeded() {
  const cache = createCache();
  for (const id of ['c1', 'c2'])
    cache.writeQuery({
      query: COURSE,
      variables: { id },
      data: {
        course: {
          __typename: 'Course',
          id,
          title: `Course ${id}`,
          viewerAccess: { __typename: 'CourseAccess', hasAccess: false },
        },
        me: { __typename: 'User', id: 'u1', planSubscription: null },
      },
    });
  return cache;
}

const fields = (cache: ReturnType<typeof createCache>, id: string) =>
  Object.keys((cache.extract() as Record<string, Record<string, unknown>>)[id] ?? {}).sort();

describe('forgetOrderAccess', () => {
  it("forgets a course order's courses' access only, keeping what else is known of them", () => {
    const cache = seeded();
    forgetOrderAccess(cache, { lines: [{ course: { id: 'c1' }, plan: null }] });
    expect(fields(cache, 'Course:c1')).toEqual(['__typename', 'id', 'title']);
    expect(fields(cache, 'Course:c2')).toEqual(['__typename', 'id', 'title', 'viewerAccess']);
    expect(fields(cache, 'User:u1')).toEqual(['__typename', 'id', 'planSubscription']);
  });

  it("forgets every course's access and the plan subscription after a plan order", () => {
    const cache = seeded();
    forgetOrderAccess(cache, { lines: [{ course: null, plan: { id: 'p1' } }] });
    expect(fields(cache, 'Course:c1')).toEqual(['__typename', 'id', 'title']);
    expect(fields(cache, 'Course:c2')).toEqual(['__typename', 'id', 'title']);
    expect(fields(cache, 'User:u1')).toEqual(['__typename', 'id']);
  });
});
