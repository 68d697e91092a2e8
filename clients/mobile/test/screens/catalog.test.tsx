/** Home and search: filters narrow the catalog, and the list loads its next page at the end. */
import { fireEvent, screen, userEvent, waitFor } from '@testing-library/react-native';
import HomeScreen from '../../src/screens/HomeScreen';
import SearchScreen from '../../src/screens/SearchScreen';
import { expectEveryControlLabelled } from './a11y';
import { CATEGORIES, connection, courses } from './fixtures';
import { renderScreen } from './harness';

jest.mock('../../src/auth/SessionContext', () => jest.requireActual('./stubs/session'), { virtual: true });
jest.mock('../../src/offline/DownloadsContext', () => jest.requireActual('./stubs/downloads'), {
  virtual: true,
});

type CourseArgs = { first: number; after?: string | null; filterBy?: Record<string, string> | null };

/** 15 courses in pages of `first`; `BEGINNER` narrows them to the first two. */
function catalog(args: CourseArgs) {
  const all = args.filterBy?.level === 'BEGINNER' ? courses(1, 2) : courses(1, 15);
  const start = args.after ? all.findIndex((node) => `cursor-${node.id}` === args.after) + 1 : 0;
  const page = all.slice(start, start + args.first);
  return connection(page, { totalCount: all.length, hasNextPage: start + args.first < all.length });
}

/**
 * The list reports that its end came into view, as FlatList does when the learner scrolls there
 * (the test renderer has no layout to scroll through, so the event is sent to the list itself).
 */
async function reachEnd() {
  const list = screen.container.queryAll((node) => typeof node.props.onEndReached === 'function')[0];
  if (!list) throw new Error('no list on screen');
  await fireEvent(list, 'endReached', { distanceFromEnd: 0 });
}

/**
 * The titles the list holds, rendered or not yet (FlatList renders a window of them; the test
 * renderer has no layout to widen it).
 */
function listedTitles(): string[] {
  const list = screen.container.queryAll((node) => Array.isArray(node.props.data))[0];
  const data: unknown = list?.props.data;
  if (!Array.isArray(data)) return [];
  return data.map((edge: { node: { title: string } }) => edge.node.title);
}

describe('HomeScreen', () => {
  test('a level filter asks the catalog for that level only', async () => {
    const user = userEvent.setup();
    const asked: CourseArgs[] = [];
    await renderScreen('Tabs', HomeScreen, undefined, {
      resolvers: {
        Query: {
          categories: () => CATEGORIES,
          courses: (args: CourseArgs) => (asked.push(args), catalog(args)),
        },
      },
    });
    expect(await screen.findByText('15 courses found')).toBeOnTheScreen();
    expect(screen.getByRole('link', { name: 'Course 1' })).toBeOnTheScreen();
    expect(await screen.findByRole('radio', { name: 'DevOps' })).toBeOnTheScreen();
    expectEveryControlLabelled();

    await user.press(screen.getByRole('radio', { name: 'Beginner' }));

    expect(await screen.findByText('2 courses found')).toBeOnTheScreen();
    expect(asked.at(-1)).toEqual({
      first: 12,
      filterBy: { level: 'BEGINNER' },
      orderBy: { field: 'TITLE', direction: 'ASC' },
    });
    expect(screen.getByRole('radio', { name: 'Beginner' })).toBeChecked();
    expect(screen.queryByRole('button', { name: 'Show more courses' })).not.toBeOnTheScreen();
  });

  test('reaching the end of the list loads the next page after the last cursor', async () => {
    const asked: CourseArgs[] = [];
    await renderScreen('Tabs', HomeScreen, undefined, {
      resolvers: {
        Query: {
          categories: () => CATEGORIES,
          courses: (args: CourseArgs) => (asked.push(args), catalog(args)),
        },
      },
    });
    expect(await screen.findByText('15 courses found')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Show more courses' })).toBeOnTheScreen();

    await reachEnd();

    await waitFor(() => expect(listedTitles()).toHaveLength(15));
    expect(listedTitles().slice(10)).toEqual([
      'Course 11',
      'Course 12',
      'Course 13',
      'Course 14',
      'Course 15',
    ]);
    expect(asked.map((args) => args.after ?? null)).toEqual([null, 'cursor-course-12']);
    expect(screen.queryByRole('button', { name: 'Show more courses' })).not.toBeOnTheScreen();
  });

  test('a course card opens its course', async () => {
    const user = userEvent.setup();
    await renderScreen('Tabs', HomeScreen, undefined, {
      resolvers: {
        Query: { categories: () => CATEGORIES, courses: (args: CourseArgs) => catalog(args) },
      },
    });
    await user.press(await screen.findByRole('link', { name: 'Course 3' }));
    expect(await screen.findByText('Opened Course {"slug":"course-3"}')).toBeOnTheScreen();
  });

  test('a catalog that cannot be reached shows an error with a retry that loads it', async () => {
    const user = userEvent.setup();
    let fail = true;
    await renderScreen('Tabs', HomeScreen, undefined, {
      resolvers: {
        Query: {
          categories: () => CATEGORIES,
          courses: (args: CourseArgs) => {
            if (fail) throw new Error('catalog down');
            return catalog(args);
          },
        },
      },
    });
    expect(await screen.findByText('The courses could not be loaded')).toBeOnTheScreen();
    expect(screen.getByText('catalog down')).toBeOnTheScreen();
    fail = false;
    await user.press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('15 courses found')).toBeOnTheScreen();
  });
});

describe('SearchScreen', () => {
  test('typing searches with the chosen filters, and pressing "Show more" loads the next page', async () => {
    const user = userEvent.setup();
    const searched: (CourseArgs & { query: string })[] = [];
    await renderScreen('Tabs', SearchScreen, undefined, {
      resolvers: {
        Query: {
          categories: () => CATEGORIES,
          courses: (args: CourseArgs) => catalog(args),
          courseSearch: (args: CourseArgs & { query: string }) => {
            searched.push(args);
            const all = courses(100, 13).map((node, index) => ({
              ...node,
              title: `Kubernetes ${index + 1}`,
            }));
            const start = args.after ? 12 : 0;
            return connection(all.slice(start, start + args.first), {
              totalCount: 13,
              hasNextPage: start + args.first < 13,
            });
          },
        },
      },
    });
    await user.press(await screen.findByRole('radio', { name: 'German' }));
    await user.type(screen.getByLabelText('Search'), 'kube');

    expect(await screen.findByText('13 courses found')).toBeOnTheScreen();
    expect(searched[0]).toEqual({ query: 'kube', first: 12, filterBy: { language: 'de' } });
    expectEveryControlLabelled();

    await user.press(screen.getByRole('button', { name: 'Show more courses' }));
    await waitFor(() => expect(listedTitles()).toHaveLength(13));
    expect(listedTitles().at(-1)).toBe('Kubernetes 13');
    expect(searched.at(-1)).toEqual({
      query: 'kube',
      first: 12,
      after: 'cursor-course-111',
      filterBy: { language: 'de' },
    });
  });
});
