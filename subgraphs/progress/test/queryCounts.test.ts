/**
 * What the learner's reads and writes cost in SQL. Reads: a syllabus's `Lesson.viewerProgress` and
 * a course's `viewerEnrollment` as the gateway asks them for the course and lesson pages. Writes: a video heartbeat, a lesson completion and a quiz
 * submission with the apps' selections (the enrollment summary the web and mobile apps ask for),
 * counted through real HTTP on a real database. The outbox relay is kicked only by a test here,
 * and the count is the least of three runs, so no background work falls into it.
 */
import { WEB_COURSE, WEB_QUIZ_CORRECT_ANSWERS as CORRECT } from './support/catalogFixture';
import { COMPLETE, ENROLL, HEARTBEAT, SUBMIT, startHarness, type Harness } from './support/harness';

describe('SQL queries per progress write', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([WEB_COURSE], { env: { OUTBOX_INTERVAL_MS: '60000' } });
  });
  afterAll(() => h.close());

  /** The least number of queries `write` made over three learners, each freshly enrolled. */
  const leastQueries = async (write: (token: string, run: number) => Promise<unknown>) => {
    const counts: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const learner = await h.learner();
      await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
      await h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 1 }, learner.token);
      const before = h.test.metrics.get('db_queries_total');
      const result = (await write(learner.token, run)) as { errors?: unknown[] };
      expect(result.errors).toBeUndefined();
      counts.push(h.test.metrics.get('db_queries_total') - before);
    }
    return Math.min(...counts);
  };

  it('a video heartbeat costs 5 queries', async () => {
    const n = await leastQueries((token, run) =>
      h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 10 + run }, token),
    );
    // The enrollment; in the transaction its row lock, the enrollment's lesson rows (the lesson's
    // state and the completed set at once), the upsert and the enrollment's update. progressPercent
    // reads the completed set the write primed (7 before: a second lesson read and a reload).
    expect(n).toBe(5);
  });

  it('a lesson completion costs 8 queries', async () => {
    const n = await leastQueries((token) => h.gql(COMPLETE, { lessonId: 'web-reading' }, token));
    // The heartbeat's 5, the learning event into the outbox, and the relay kicked after the commit
    // leasing and marking it (10 before).
    expect(n).toBe(8);
  });

  it('a quiz submission with an idempotency key costs 12 queries', async () => {
    const n = await leastQueries((token, run) =>
      h.gql(SUBMIT, { lessonId: 'web-quiz', answers: CORRECT, idempotencyKey: `key-${run}-abcdefgh` }, token),
    );
    // The completion's 8, the attempts read before grading and once under the lock (the key and
    // the limits together), the attempt's insert, and the attempts again for the payload (15 before).
    expect(n).toBe(12);
  });

  it('a replayed submission returns the first attempt and writes nothing', async () => {
    const learner = await h.learner();
    await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
    const variables = { lessonId: 'web-quiz', answers: CORRECT, idempotencyKey: 'replayed-abcdefgh' };
    const first = await h.gql(SUBMIT, variables, learner.token);
    const attempts = await h.count('SELECT count(*) AS n FROM progress.quiz_attempts');
    const again = await h.gql(SUBMIT, variables, learner.token);
    expect(again.data?.quizSubmit.attempt.id).toBe(first.data?.quizSubmit.attempt.id);
    expect(again.data?.quizSubmit.userErrors).toEqual([]);
    expect(await h.count('SELECT count(*) AS n FROM progress.quiz_attempts')).toBe(attempts);
  });

  const LESSON_PROGRESS = /* GraphQL */ `
    query ($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on Lesson {
          id
          viewerProgress {
            status
            positionSeconds
            completedAt
          }
        }
      }
    }
  `;
  const VIEWER_ENROLLMENT = /* GraphQL */ `
    query ($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on Course {
          viewerEnrollment {
            progressPercent
            enrolledAt
            completedAt
            lastActivityAt
          }
        }
      }
    }
  `;
  const lessons = WEB_COURSE.lessons.map((lesson) => ({ __typename: 'Lesson', id: lesson.id }));

  /** The least number of queries `read` made over three runs by the same learner. */
  const leastReadQueries = async (read: () => Promise<{ errors?: unknown[] }>) => {
    const counts: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const before = h.test.metrics.get('db_queries_total');
      expect((await read()).errors).toBeUndefined();
      counts.push(h.test.metrics.get('db_queries_total') - before);
    }
    return Math.min(...counts);
  };

  it("a syllabus's viewerProgress costs 1 query: the enrollment and its lesson rows together", async () => {
    const learner = await h.learner();
    await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
    await h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 50 }, learner.token);
    await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    const read = () => h.gql(LESSON_PROGRESS, { reps: lessons }, learner.token);
    const result = await read();
    expect(
      (result.data?._entities as { id: string; viewerProgress: { status: string } }[]).map((lesson) => [
        lesson.id,
        lesson.viewerProgress.status,
      ]),
    ).toEqual([
      ['web-video', 'IN_PROGRESS'],
      ['web-reading', 'COMPLETED'],
      ['web-quiz', 'NOT_STARTED'],
      ['web-lab', 'NOT_STARTED'],
    ]);
    // 2 before: the enrollment, then its lesson rows.
    expect(await leastReadQueries(read)).toBe(1);
  });

  it('a lesson of a course the viewer is not enrolled in has no viewerProgress, for 1 query', async () => {
    const learner = await h.learner();
    const read = () => h.gql(LESSON_PROGRESS, { reps: lessons.slice(0, 1) }, learner.token);
    expect((await read()).data?._entities).toEqual([{ id: lessons[0]!.id, viewerProgress: null }]);
    expect(await leastReadQueries(read)).toBe(1);
  });

  it("a course's viewerEnrollment with progressPercent costs 1 query", async () => {
    const learner = await h.learner();
    await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
    await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    const read = () =>
      h.gql(VIEWER_ENROLLMENT, { reps: [{ __typename: 'Course', id: WEB_COURSE.id }] }, learner.token);
    const [course] = (await read()).data?._entities as {
      viewerEnrollment: { progressPercent: number; completedAt: null };
    }[];
    expect(course?.viewerEnrollment).toMatchObject({
      progressPercent: 25, // one of WEB_COURSE's four lessons
      completedAt: null,
    });
    // 2 before: the enrollment, then its completed lessons.
    expect(await leastReadQueries(read)).toBe(1);
  });
});
