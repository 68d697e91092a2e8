/**
 * Downloaded lessons live in snapshots of their own, not in the capped persisted cache: a cache
 * grown past the cap (which apollo3-cache-persist purges) and a restart with the network down
 * still open a downloaded lesson with its exact content; opening it online brings an instructor's
 * fix and a failed refresh keeps the saved copy; a lesson taken out of the cache is put back;
 * removing a download removes its data; another learner on the phone sees none of it, and
 * sign-out's forgetLearner leaves nothing behind.
 */
import { ApolloClient, ApolloProvider, HttpLink, InMemoryCache, gql, useQuery } from '@apollo/client';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { Text } from 'react-native';
import { Directory, File, Paths } from 'expo-file-system';
import { LessonPageQuery } from '@learncraft/operations';
import { connection } from '../../src/offline/connectionState';
import { DOWNLOADS_STORAGE_KEY, DownloadsProvider, useDownloads } from '../../src/offline/DownloadsContext';
import { fileStorage } from '../../src/offline/fileStorage';
import { CACHE_STORAGE_KEY, MAX_CACHE_BYTES, persistCacheNow, restoreCache } from '../../src/offline/persist';
import { lessonInCache, snapshotKey } from '../../src/offline/snapshots';
import { Button } from '../../src/ui';
import { COURSE, FakeGateway, startFakeGateway } from './support/fakeGateway';
import { MemoryStorage } from './support/memoryStorage';
import { nodeFetch } from './support/nodeFetch';

jest.mock('@react-native-async-storage/async-storage', () =>
  jest.requireActual('@react-native-async-storage/async-storage/jest/async-storage-mock'),
);

const READING = 'reading-1';
const READING_TEXT = 'Methods: # Methods\n\nGET is safe.';

/** One run of the app: its own client and cache, as after a restart. */
function appClient(url: string) {
  return new ApolloClient({
    link: new HttpLink({ uri: url, fetch: nodeFetch }),
    cache: new InMemoryCache({ typePolicies: { LessonProgress: { keyFields: false, merge: true } } }),
  });
}

function Probe({ lessonId = READING }: { lessonId?: string }) {
  const downloads = useDownloads();
  return (
    <>
      <Button
        label="Download"
        onPress={() => void downloads.download({ lessonId, courseSlug: COURSE.slug })}
      />
      <Button label="Remove" onPress={() => void downloads.remove(lessonId)} />
      <Button label="Open" onPress={() => void downloads.opened(lessonId)} />
      <Button label="Forget" onPress={() => void downloads.forgetLearner()} />
      <Text>{`status ${downloads.status(lessonId)}`}</Text>
      <Text>{`${downloads.items.length} downloaded`}</Text>
    </>
  );
}

/** Reads the lesson as the lesson screen does offline: cache first. */
function LessonReader({ lessonId = READING }: { lessonId?: string }) {
  const { data, error } = useQuery(LessonPageQuery, { variables: { slug: COURSE.slug, lessonId } });
  const lesson = data?.course?.lesson;
  if (error) return <Text>failed to load</Text>;
  if (!lesson) return <Text>loading</Text>;
  return (
    <Text>
      {lesson.title}:{' '}
      {lesson.content.__typename === 'ReadingContent' ? lesson.content.markdown : lesson.content.__typename}
    </Text>
  );
}

async function startApp(options: {
  gateway: FakeGateway;
  storage: MemoryStorage;
  ownerId: string | null;
  reader?: boolean;
}) {
  const client = appClient(options.gateway.url);
  // As App does: the persisted cache is restored before the providers render.
  await restoreCache(client.cache, options.storage);
  const tree = (ownerId: string | null, reader = options.reader ?? false) => (
    <ApolloProvider client={client}>
      <DownloadsProvider storage={options.storage} ownerId={ownerId} saveVideo={null}>
        <Probe />
        {reader ? <LessonReader /> : null}
      </DownloadsProvider>
    </ApolloProvider>
  );
  const view = await render(tree(options.ownerId));
  return {
    client,
    rerender: (ownerId: string | null, reader?: boolean) => view.rerender(tree(ownerId, reader)),
  };
}

async function downloadReading() {
  await fireEvent.press(screen.getByRole('button', { name: 'Download' }));
  expect(await screen.findByText('status ready')).toBeOnTheScreen();
}

const BIG = gql`
  query Big {
    big {
      id
      text
    }
  }
`;

describe('downloaded lessons keep their own snapshot', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    gateway = await startFakeGateway();
    connection.setDeviceOnline(true);
    connection.reportNetworkSuccess();
  });
  afterEach(() => gateway.close());

  it('a cache grown past the cap is purged, and the downloaded lesson still opens offline after a restart', async () => {
    const storage = new MemoryStorage();
    const first = await startApp({ gateway, storage, ownerId: 'learner-a' });
    await downloadReading();
    first.client.cache.writeQuery({
      query: BIG,
      data: { big: { __typename: 'Big', id: 'b1', text: 'x'.repeat(MAX_CACHE_BYTES + 1) } },
    });
    // Past the cap apollo3-cache-persist drops the stored copy, without an error.
    await expect(persistCacheNow()).resolves.toBeUndefined();
    expect(storage.items.has(CACHE_STORAGE_KEY)).toBe(false);

    gateway.mode = 'unreachable';
    const received = gateway.received.length;
    await startApp({ gateway, storage, ownerId: 'learner-a', reader: true });
    expect(await screen.findByText(READING_TEXT)).toBeOnTheScreen();
    expect(screen.getByText('status ready')).toBeOnTheScreen();
    expect(gateway.received.length).toBe(received);
  });

  it('a restart with the network down serves the downloaded lesson from its snapshot', async () => {
    const storage = new MemoryStorage();
    await startApp({ gateway, storage, ownerId: 'learner-a' });
    await downloadReading();
    const saved = JSON.parse(storage.items.get(snapshotKey('learner-a', READING)) ?? '{}') as {
      entries?: { operation: string }[];
    };
    // The fake gateway serves the lesson page only; the others failed and are not kept.
    expect(saved.entries?.map((entry) => entry.operation)).toEqual(['LessonPage']);
    // The general cache is gone too (a purge, a wiped storage): the snapshot is enough.
    storage.items.delete(CACHE_STORAGE_KEY);

    gateway.mode = 'unreachable';
    const second = await startApp({ gateway, storage, ownerId: 'learner-a', reader: true });
    expect(await screen.findByText(READING_TEXT)).toBeOnTheScreen();
    expect(lessonInCache(second.client.cache, READING, COURSE.slug)).toBe(true);
  });

  it("opening a downloaded lesson online brings the instructor's fix; a failed refresh keeps the saved copy", async () => {
    const storage = new MemoryStorage();
    await startApp({ gateway, storage, ownerId: 'learner-a' });
    await downloadReading();
    gateway.edits.set(READING, { markdown: '# Methods\n\nGET and HEAD are safe.' });
    await fireEvent.press(screen.getByRole('button', { name: 'Open' }));
    await waitFor(() =>
      expect(storage.items.get(snapshotKey('learner-a', READING))).toContain('HEAD are safe'),
    );
    expect(gateway.count('LessonPage')).toBe(2);

    // The server now fails: the refresh must not replace the fixed copy.
    gateway.mode = 'unauthenticated';
    await fireEvent.press(screen.getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(gateway.count('LessonPage')).toBe(3));
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(storage.items.get(snapshotKey('learner-a', READING))).toContain('HEAD are safe');

    gateway.mode = 'unreachable';
    await startApp({ gateway, storage, ownerId: 'learner-a', reader: true });
    expect(await screen.findByText('Methods: # Methods\n\nGET and HEAD are safe.')).toBeOnTheScreen();
  });

  it('a downloaded lesson taken out of the cache is put back in it', async () => {
    const storage = new MemoryStorage();
    const app = await startApp({ gateway, storage, ownerId: 'learner-a' });
    await downloadReading();
    expect(lessonInCache(app.client.cache, READING, COURSE.slug)).toBe(true);
    await act(() => {
      app.client.cache.evict({ id: 'ROOT_QUERY', fieldName: 'course' });
      app.client.cache.gc();
    });
    await waitFor(() => expect(lessonInCache(app.client.cache, READING, COURSE.slug)).toBe(true));

    await act(async () => {
      await app.client.clearStore();
    });
    expect(lessonInCache(app.client.cache, READING, COURSE.slug)).toBe(true);
  });

  it('removing a download removes its snapshot, its record, and the lesson offline', async () => {
    const storage = new MemoryStorage();
    await startApp({ gateway, storage, ownerId: 'learner-a' });
    await downloadReading();
    expect(storage.items.has(snapshotKey('learner-a', READING))).toBe(true);
    await fireEvent.press(screen.getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('status none')).toBeOnTheScreen();
    expect(storage.items.has(snapshotKey('learner-a', READING))).toBe(false);
    expect(storage.items.get(DOWNLOADS_STORAGE_KEY)).toBe('[]');

    storage.items.delete(CACHE_STORAGE_KEY);
    gateway.mode = 'unreachable';
    await startApp({ gateway, storage, ownerId: 'learner-a', reader: true });
    expect(await screen.findByText('failed to load')).toBeOnTheScreen();
  });

  it('a download whose snapshot is gone is not ready, and its record is dropped at start', async () => {
    const storage = new MemoryStorage();
    await startApp({ gateway, storage, ownerId: 'learner-a' });
    await downloadReading();
    storage.items.delete(snapshotKey('learner-a', READING));
    await startApp({ gateway, storage, ownerId: 'learner-a' });
    expect(await screen.findByText('0 downloaded')).toBeOnTheScreen();
    expect(screen.getByText('status none')).toBeOnTheScreen();
    expect(storage.items.get(DOWNLOADS_STORAGE_KEY)).toBe('[]');
  });

  it('a downloaded video whose file is gone is not ready', async () => {
    const storage = new MemoryStorage();
    const files = new Set<string>();
    const client = appClient(gateway.url);
    const tree = (
      <ApolloProvider client={client}>
        <DownloadsProvider
          storage={storage}
          ownerId="learner-a"
          saveVideo={(_url, lessonId) => {
            files.add(`file:///downloads/${lessonId}.mp4`);
            return Promise.resolve({ uri: `file:///downloads/${lessonId}.mp4`, bytes: 1000 });
          }}
          fileExists={(uri) => files.has(uri)}
        >
          <Probe lessonId="video-1" />
        </DownloadsProvider>
      </ApolloProvider>
    );
    const view = await render(tree);
    await downloadReading();
    files.clear();
    await view.unmount();
    await render(tree);
    expect(await screen.findByText('0 downloaded')).toBeOnTheScreen();
    expect(screen.getByText('status none')).toBeOnTheScreen();
  });

  it("another learner signed in on the phone sees none of the first learner's downloads", async () => {
    const storage = new MemoryStorage();
    const app = await startApp({ gateway, storage, ownerId: 'learner-a' });
    await downloadReading();
    await app.rerender('learner-b');
    expect(await screen.findByText('0 downloaded')).toBeOnTheScreen();
    expect(screen.getByText('status none')).toBeOnTheScreen();

    // Learner b's phone, restarted offline: a's lesson is not in b's cache.
    storage.items.delete(CACHE_STORAGE_KEY);
    gateway.mode = 'unreachable';
    const restarted = await startApp({ gateway, storage, ownerId: 'learner-b', reader: true });
    expect(await screen.findByText('failed to load')).toBeOnTheScreen();
    expect(lessonInCache(restarted.client.cache, READING, COURSE.slug)).toBe(false);
    // a signs in again: their download is back, offline.
    await restarted.rerender('learner-a', false);
    expect(await screen.findByText('1 downloaded')).toBeOnTheScreen();
    expect(lessonInCache(restarted.client.cache, READING, COURSE.slug)).toBe(true);
  });

  it("sign-out's forgetLearner removes the persisted cache and this learner's downloads only", async () => {
    const storage = new MemoryStorage();
    const app = await startApp({ gateway, storage, ownerId: 'learner-b' });
    await downloadReading();
    await app.rerender('learner-a');
    expect(await screen.findByText('0 downloaded')).toBeOnTheScreen();
    await downloadReading();
    await persistCacheNow();
    expect(storage.items.has(CACHE_STORAGE_KEY)).toBe(true);

    await fireEvent.press(screen.getByRole('button', { name: 'Forget' }));
    expect(await screen.findByText('0 downloaded')).toBeOnTheScreen();
    await waitFor(() => expect(storage.items.has(CACHE_STORAGE_KEY)).toBe(false));
    expect(storage.items.has(snapshotKey('learner-a', READING))).toBe(false);
    expect(storage.items.has(snapshotKey('learner-b', READING))).toBe(true);
    expect(
      (JSON.parse(storage.items.get(DOWNLOADS_STORAGE_KEY) ?? '[]') as { ownerId: string }[]).map(
        (record) => record.ownerId,
      ),
    ).toEqual(['learner-b']);
  });

  it('on a phone the snapshot is a file in the document directory, read back after a restart and deleted on remove', async () => {
    const storage = new MemoryStorage();
    const folder = new Directory(Paths.document, 'downloads', 'lessons');
    const client = appClient(gateway.url);
    const tree = (reader: boolean) => (
      <ApolloProvider client={client}>
        <DownloadsProvider
          storage={storage}
          snapshotStorage={fileStorage(folder)}
          ownerId="learner-a"
          saveVideo={null}
        >
          <Probe />
          {reader ? <LessonReader /> : null}
        </DownloadsProvider>
      </ApolloProvider>
    );
    const view = await render(tree(false));
    await downloadReading();
    const file = new File(folder, `${encodeURIComponent(snapshotKey('learner-a', READING))}.json`);
    expect(file.exists).toBe(true);
    expect(await file.text()).toContain('GET is safe.');
    expect(storage.items.has(snapshotKey('learner-a', READING))).toBe(false);
    await view.unmount();

    gateway.mode = 'unreachable';
    const restarted = appClient(gateway.url);
    const second = await render(
      <ApolloProvider client={restarted}>
        <DownloadsProvider
          storage={storage}
          snapshotStorage={fileStorage(folder)}
          ownerId="learner-a"
          saveVideo={null}
        >
          <Probe />
          <LessonReader />
        </DownloadsProvider>
      </ApolloProvider>,
    );
    expect(await screen.findByText(READING_TEXT)).toBeOnTheScreen();
    await fireEvent.press(screen.getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('status none')).toBeOnTheScreen();
    expect(file.exists).toBe(false);
    await second.unmount();
  });
});
