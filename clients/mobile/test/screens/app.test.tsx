/**
 * The app's composition: the persisted cache is restored before anything renders, the connection
 * banner sits above the navigator, the providers nest as the screens need them (the outbox inside
 * Apollo), and the tabs are there with their labels. The other engineers' modules are replaced by
 * stand-ins with their contract's names.
 */
import type { ReactNode } from 'react';
import { act, render, screen } from '@testing-library/react-native';
import App from '../../src/App';

const mockRestore: { finish?: () => void; cache?: unknown } = {};
/** How the session starts: anonymous, or ended (its refresh token refused). */
const mockStart = { expired: false };

jest.mock('expo-constants', () => jest.requireActual('./stubs/constants'));
// The library's own stand-in: jest has no native view to measure the insets with.
jest.mock(
  'react-native-safe-area-context',
  () => jest.requireActual<{ default: object }>('react-native-safe-area-context/jest/mock').default,
);
jest.mock('../../src/auth/SessionContext', () => jest.requireActual('./stubs/session'), { virtual: true });
jest.mock('../../src/offline/DownloadsContext', () => jest.requireActual('./stubs/downloads'), {
  virtual: true,
});
jest.mock(
  '../../src/auth/createSession',
  () => {
    const { createStubSession, ANONYMOUS } =
      jest.requireActual<typeof import('./stubs/session')>('./stubs/session');
    return {
      createMobileSession: () =>
        createStubSession(mockStart.expired ? { status: 'anonymous', expired: true } : ANONYMOUS),
    };
  },
  { virtual: true },
);
jest.mock(
  '../../src/apollo/client',
  () => {
    const { createTestServer } = jest.requireActual<typeof import('./harness')>('./harness');
    const fixtures = jest.requireActual<typeof import('./fixtures')>('./fixtures');
    return {
      createMobileApolloClient: () =>
        createTestServer({
          Query: {
            categories: () => fixtures.CATEGORIES,
            courses: () => fixtures.connection(fixtures.courses(1, 2), { totalCount: 2, hasNextPage: false }),
          },
        }).client,
    };
  },
  { virtual: true },
);
jest.mock(
  '../../src/offline/persist',
  () => ({
    restoreCache: (cache: unknown) =>
      new Promise<void>((resolve) => {
        mockRestore.cache = cache;
        mockRestore.finish = resolve;
      }),
  }),
  { virtual: true },
);
jest.mock(
  '../../src/offline/OutboxContext',
  () => {
    const { useApolloClient } = jest.requireActual<typeof import('@apollo/client')>('@apollo/client');
    return {
      OutboxProvider: ({ children }: { children: ReactNode }) => {
        // The outbox sends mutations through Apollo: it must sit inside ApolloProvider.
        useApolloClient();
        return children;
      },
    };
  },
  { virtual: true },
);
jest.mock(
  '../../src/offline/ConnectionBanner',
  () => {
    const { Text: BannerText } = jest.requireActual<typeof import('react-native')>('react-native');
    return { ConnectionBanner: () => <BannerText>Connection banner</BannerText> };
  },
  { virtual: true },
);
// The other engineers' screens: registered by the navigator, not opened here.
jest.mock(
  '../../src/screens/LessonScreen',
  () => ({
    __esModule: true,
    default: function LessonScreen() {
      return null;
    },
  }),
  {
    virtual: true,
  },
);
jest.mock(
  '../../src/screens/LabScreen',
  () => ({
    __esModule: true,
    default: function LabScreen() {
      return null;
    },
  }),
  {
    virtual: true,
  },
);
jest.mock(
  '../../src/screens/TutorScreen',
  () => ({
    __esModule: true,
    default: function TutorScreen() {
      return null;
    },
  }),
  {
    virtual: true,
  },
);
jest.mock(
  '../../src/screens/DownloadsScreen',
  () => ({
    __esModule: true,
    default: function DownloadsScreen() {
      return null;
    },
  }),
  {
    virtual: true,
  },
);

test('nothing but a loading indicator shows until the persisted cache is restored', async () => {
  await render(<App />);
  expect(screen.getByLabelText('Starting LearnCraft')).toBeOnTheScreen();
  expect(screen.queryByText('Connection banner')).not.toBeOnTheScreen();
  expect(mockRestore.cache).toBeDefined();

  await act(() => Promise.resolve(mockRestore.finish?.()));

  expect(await screen.findByText('Connection banner')).toBeOnTheScreen();
  for (const tab of ['Home', 'Search', 'Dashboard', 'Account'])
    expect(screen.getByRole('button', { name: tab })).toBeOnTheScreen();
  expect(await screen.findByRole('link', { name: 'Course 2' })).toBeOnTheScreen();
  expect(screen.getByText('2 courses found')).toBeOnTheScreen();
  expect(screen.queryByLabelText('Starting LearnCraft')).not.toBeOnTheScreen();
});

test('a session that has ended sends the learner to log in once the app has started', async () => {
  mockStart.expired = true;
  await render(<App />);
  await act(() => Promise.resolve(mockRestore.finish?.()));
  expect(await screen.findByText('Your session has ended. Please log in again.')).toBeOnTheScreen();
  expect(screen.getByLabelText('Email')).toBeOnTheScreen();
});
