/** The course screen: what the viewer can do per `viewerAccess`, the syllabus links, downloads, tutor. */
import { screen, userEvent, within } from '@testing-library/react-native';
import CourseScreen from '../../src/screens/CourseScreen';
import { expectEveryControlLabelled } from './a11y';
import { course, money } from './fixtures';
import { renderScreen, type Resolvers } from './harness';
import { requested } from './stubs/downloads';
import { ANONYMOUS } from './stubs/session';

jest.mock('../../src/auth/SessionContext', () => jest.requireActual('./stubs/session'), { virtual: true });
jest.mock('../../src/offline/DownloadsContext', () => jest.requireActual('./stubs/downloads'), {
  virtual: true,
});

const PLANS = [
  {
    id: 'plan-1',
    code: 'monthly',
    name: 'Monthly',
    description: 'All courses.',
    interval: 'MONTH',
    perSeat: false,
    price: money(1900),
  },
];

const ENROLLED = {
  id: 'enrollment-1',
  progressPercent: 33,
  enrolledAt: '2026-11-01T10:00:00.000Z',
  completedAt: null,
  lastActivityAt: '2026-11-02T10:00:00.000Z',
};

function withCourse(overrides: Record<string, unknown>, extra: Resolvers = {}): Resolvers {
  return { Query: { course: () => course(overrides), plans: () => PLANS }, ...extra };
}

const PAID = { price: money(4900) };

beforeEach(() => requested.splice(0));

test('a free course offers an anonymous viewer to enroll, which asks them to log in first', async () => {
  const user = userEvent.setup();
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    { session: ANONYMOUS, resolvers: withCourse({}) },
  );
  expect(await screen.findByRole('header', { name: 'TypeScript Basics' })).toBeOnTheScreen();
  expect(screen.getByText('Free for everyone. Track your progress and earn completion.')).toBeOnTheScreen();
  expect(screen.queryByRole('button', { name: 'Ask the tutor' })).not.toBeOnTheScreen();
  expectEveryControlLabelled();

  await user.press(screen.getByRole('button', { name: 'Enroll' }));
  expect(await screen.findByText('Opened Login {}')).toBeOnTheScreen();
});

test('enrolling a signed-in learner shows their progress and a Continue to the first unfinished lesson', async () => {
  const user = userEvent.setup();
  let enrolled = false;
  const courseEnroll = jest.fn((_args: unknown) => {
    enrolled = true;
    return {
      enrollment: {
        ...ENROLLED,
        progressPercent: 0,
        course: { id: 'course-ts', viewerEnrollment: { id: 'enrollment-1' } },
      },
      userErrors: [],
    };
  });
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    {
      resolvers: {
        Query: {
          course: () => course({ viewerEnrollment: enrolled ? { ...ENROLLED, progressPercent: 0 } : null }),
        },
        Mutation: { courseEnroll: (args: unknown) => courseEnroll(args) },
      },
    },
  );
  await user.press(await screen.findByRole('button', { name: 'Enroll' }));

  expect(await screen.findByRole('progressbar', { name: 'TypeScript Basics progress' })).toBeOnTheScreen();
  expect(screen.getByText('0% complete')).toBeOnTheScreen();
  expect(courseEnroll).toHaveBeenCalledWith({ input: { courseId: 'course-ts' } });
  await user.press(screen.getByRole('button', { name: 'Continue' }));
  expect(
    await screen.findByText('Opened Lesson {"lessonId":"lesson-1","courseSlug":"typescript-basics"}'),
  ).toBeOnTheScreen();
});

test('an enrollment refused by the server says why next to the button', async () => {
  const user = userEvent.setup();
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    {
      resolvers: withCourse(
        {},
        {
          Mutation: {
            courseEnroll: () => ({
              enrollment: null,
              userErrors: [
                { code: 'COURSE_NOT_PUBLISHED', message: 'This course is not open for enrollment.' },
              ],
            }),
          },
        },
      ),
    },
  );
  await user.press(await screen.findByRole('button', { name: 'Enroll' }));
  expect(await screen.findByText('This course is not open for enrollment.')).toBeOnTheScreen();
});

test('a paid course asks an anonymous viewer to sign in to buy', async () => {
  const user = userEvent.setup();
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    {
      session: ANONYMOUS,
      resolvers: withCourse({
        ...PAID,
        viewerAccess: { hasAccess: false, reason: 'SIGN_IN_REQUIRED', expiresAt: null },
      }),
    },
  );
  await user.press(await screen.findByRole('button', { name: 'Sign in to buy' }));
  expect(await screen.findByText('Opened Login {}')).toBeOnTheScreen();
});

test('a paid course offers a learner without access to buy it or subscribe, and locks all but previews', async () => {
  const user = userEvent.setup();
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    {
      resolvers: withCourse({
        ...PAID,
        viewerAccess: { hasAccess: false, reason: 'PAYMENT_REQUIRED', expiresAt: null },
      }),
    },
  );
  expect(
    await screen.findByRole('button', { name: 'Or subscribe: all courses from $19.00/month' }),
  ).toBeOnTheScreen();
  expect(screen.queryByRole('button', { name: 'Enroll' })).not.toBeOnTheScreen();
  expect(screen.getByRole('link', { name: 'Why types' })).toBeOnTheScreen();
  expect(screen.queryByRole('link', { name: 'Your first type' })).not.toBeOnTheScreen();
  expect(screen.getByText('reading · 5 min · Locked')).toBeOnTheScreen();
  expect(screen.queryByRole('button', { name: 'Download for offline' })).not.toBeOnTheScreen();
  expectEveryControlLabelled();

  await user.press(screen.getByRole('button', { name: 'Buy for $49.00' }));
  expect(await screen.findByText('Opened Checkout {"courseId":"course-ts"}')).toBeOnTheScreen();
});

test('a bought course the learner has not enrolled in says so and offers to enroll', async () => {
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    {
      resolvers: withCourse({
        ...PAID,
        viewerAccess: { hasAccess: true, reason: 'PURCHASED', expiresAt: null },
      }),
    },
  );
  expect(
    await screen.findByText('You bought this course. Track your progress and earn completion.'),
  ).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Enroll' })).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Ask the tutor' })).toBeOnTheScreen();
});

test('an enrolled learner opens lessons and labs, downloads the course and asks the tutor', async () => {
  const user = userEvent.setup();
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    {
      resolvers: withCourse({ viewerEnrollment: ENROLLED }),
    },
  );
  expect(await screen.findByText('33% complete')).toBeOnTheScreen();
  expect(screen.getByText('0 of 3 lessons on this device.')).toBeOnTheScreen();
  expectEveryControlLabelled();

  await user.press(screen.getByRole('button', { name: 'Download for offline' }));
  expect(await screen.findByText('All 3 lessons are on this device.')).toBeOnTheScreen();
  expect(requested).toEqual([
    { lessonId: 'lesson-1', courseSlug: 'typescript-basics' },
    { lessonId: 'lesson-2', courseSlug: 'typescript-basics' },
    { lessonId: 'lesson-3', courseSlug: 'typescript-basics' },
  ]);

  await user.press(screen.getByRole('link', { name: 'Try it in a lab' }));
  expect(
    await screen.findByText('Opened Lab {"lessonId":"lesson-3","courseSlug":"typescript-basics"}'),
  ).toBeOnTheScreen();
});

test('"Ask the tutor" opens the course’s tutor', async () => {
  const user = userEvent.setup();
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    {
      resolvers: withCourse({ viewerEnrollment: ENROLLED }),
    },
  );
  await user.press(await screen.findByRole('button', { name: 'Ask the tutor' }));
  expect(await screen.findByText('Opened Tutor {"courseId":"course-ts"}')).toBeOnTheScreen();
});

test('each lesson shows its status in words for screen readers', async () => {
  const lessons = course().modules[0]?.lessons ?? [];
  const [first, second, third] = lessons;
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'typescript-basics' },
    {
      resolvers: withCourse({
        viewerEnrollment: ENROLLED,
        modules: [
          {
            ...course().modules[0],
            lessons: [
              {
                ...first,
                viewerProgress: {
                  status: 'COMPLETED',
                  positionSeconds: 0,
                  completedAt: '2026-11-02T10:00:00.000Z',
                },
              },
              { ...second, viewerProgress: { status: 'IN_PROGRESS', positionSeconds: 0, completedAt: null } },
              third,
            ],
          },
        ],
      }),
    },
  );
  const completed = await screen.findByRole('link', { name: 'Why types' });
  expect(within(completed).getByLabelText('Completed')).toBeOnTheScreen();
  expect(completed).toHaveProp('accessibilityHint', 'Completed · video · 5 min · Preview');
  expect(
    within(screen.getByRole('link', { name: 'Your first type' })).getByLabelText('In progress'),
  ).toBeOnTheScreen();
});

test('a course that does not exist says so', async () => {
  await renderScreen(
    'Course',
    CourseScreen,
    { slug: 'gone' },
    { resolvers: { Query: { course: () => null } } },
  );
  expect(await screen.findByText('Course not found')).toBeOnTheScreen();
});
