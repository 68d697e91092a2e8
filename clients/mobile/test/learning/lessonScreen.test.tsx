/**
 * The lesson screen: offline it opens a lesson from the device's cache without asking the
 * network; a locked lesson of a paid course offers to buy it through the checkout.
 */
import { Text } from 'react-native';
import { NavigationContainer } from '@react-navigation/native';
import { createNativeStackNavigator } from '@react-navigation/native-stack';
import { fireEvent, render, screen } from '@testing-library/react-native';
import { LessonPageQuery, PlansQuery } from '@learncraft/operations';
import type { RootScreenProps, RootStackParamList } from '../../src/navigation/types';
import LessonScreen from '../../src/screens/LessonScreen';
import { testApollo } from './apollo';
import { fakeOutbox } from './fakeOffline';
import { LESSON_ID } from './fixtures';

jest.mock(
  '../../src/offline/OutboxContext',
  () => jest.requireActual<typeof import('./fakeOffline')>('./fakeOffline').outboxModule,
);
jest.mock(
  '../../src/offline/DownloadsContext',
  () => jest.requireActual<typeof import('./fakeOffline')>('./fakeOffline').downloadsModule,
);
jest.mock(
  '../../src/offline/network',
  () => jest.requireActual<typeof import('./fakeOffline')>('./fakeOffline').networkModule,
);

const COURSE_ID = 'Q291cnNlOjE=';
const SLUG = 'kubernetes-basics';

function lessonPage(content: Record<string, unknown>, enrolled: boolean, hasAccess = true) {
  return {
    course: {
      __typename: 'Course',
      id: COURSE_ID,
      slug: SLUG,
      title: 'Kubernetes Basics',
      modules: [
        {
          __typename: 'Module',
          id: 'TW9kdWxlOjE=',
          title: 'Getting started',
          position: 1,
          lessons: [
            {
              __typename: 'Lesson',
              id: LESSON_ID,
              title: 'Pods',
              kind: 'READING',
              position: 1,
              viewerProgress: null,
            },
            {
              __typename: 'Lesson',
              id: 'TGVzc29uOjQz',
              title: 'Services',
              kind: 'READING',
              position: 2,
              viewerProgress: null,
            },
          ],
        },
      ],
      lesson: {
        __typename: 'Lesson',
        id: LESSON_ID,
        title: 'Pods',
        kind: 'READING',
        position: 1,
        durationSeconds: 300,
        viewerProgress: null,
        content,
        viewerLabSession: null,
      },
      viewerEnrollment: enrolled
        ? {
            __typename: 'Enrollment',
            id: 'RW5yb2xsbWVudDox',
            progressPercent: 0,
            enrolledAt: '2030-01-01T12:00:00.000Z',
            completedAt: null,
            lastActivityAt: null,
          }
        : null,
      price: { __typename: 'Money', amount: 4900, currency: 'USD', formatted: '$49.00' },
      viewerAccess: {
        __typename: 'CourseAccess',
        hasAccess,
        reason: hasAccess ? 'PURCHASED' : 'PAYMENT_REQUIRED',
        expiresAt: null,
      },
    },
  };
}

const Stack = createNativeStackNavigator<RootStackParamList>();

function CheckoutStub({ route }: RootScreenProps<'Checkout'>) {
  return <Text>Checkout for {route.params.courseId}</Text>;
}

/** The app's stack with the lesson screen (and a stand-in checkout) around the same Apollo client. */
async function renderLesson(wrapper: ReturnType<typeof testApollo>['wrapper']) {
  await render(
    <NavigationContainer>
      <Stack.Navigator>
        <Stack.Screen
          name="Lesson"
          component={LessonScreen}
          initialParams={{ courseSlug: SLUG, lessonId: LESSON_ID }}
        />
        <Stack.Screen name="Checkout" component={CheckoutStub} />
      </Stack.Navigator>
    </NavigationContainer>,
    { wrapper },
  );
}

beforeEach(() => fakeOutbox.reset());

test('offline, a lesson seen before opens from the device’s cache without asking the network', async () => {
  // One recorded response: the visit online. Any later request to the network would fail.
  const { wrapper } = testApollo([
    {
      request: { query: LessonPageQuery, variables: { slug: SLUG, lessonId: LESSON_ID } },
      result: {
        data: lessonPage({ __typename: 'ReadingContent', markdown: 'A **Pod** runs containers.' }, true),
      },
    },
  ]);
  await renderLesson(wrapper);
  expect(await screen.findByText('A Pod runs containers.')).toBeOnTheScreen();
  await screen.unmount();

  fakeOutbox.online = false;
  await renderLesson(wrapper);
  expect(await screen.findByText('A Pod runs containers.')).toBeOnTheScreen();
  expect(screen.getByText('Getting started · Lesson 1 of 2')).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Next: Services →' })).toBeOnTheScreen();
  expect(screen.queryByText(/Showing what is saved on this device/)).not.toBeOnTheScreen();
  expect(screen.queryByText('The lesson could not be loaded')).not.toBeOnTheScreen();
});

test('a locked lesson says what opens it and its Buy button opens the checkout for the course', async () => {
  const { wrapper } = testApollo([
    {
      request: { query: LessonPageQuery, variables: { slug: SLUG, lessonId: LESSON_ID } },
      result: { data: lessonPage({ __typename: 'LockedContent', reason: 'PAYMENT_REQUIRED' }, false, false) },
    },
    { request: { query: PlansQuery }, result: { data: { plans: [] } } },
  ]);
  await renderLesson(wrapper);
  expect(
    await screen.findByText('Buy Kubernetes Basics, or subscribe to a plan, to open every lesson.'),
  ).toBeOnTheScreen();
  expect(screen.queryByRole('button', { name: 'Ask the tutor' })).not.toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Or subscribe: all courses with a plan' })).toBeOnTheScreen();
  await fireEvent.press(screen.getByRole('button', { name: 'Buy for $49.00' }));
  expect(await screen.findByText(`Checkout for ${COURSE_ID}`)).toBeOnTheScreen();
});
