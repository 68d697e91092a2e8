/**
 * Downloads: a lesson downloaded through the real Apollo client lands in the cache and is then
 * read from it with the network down; a plain video file is saved to the document directory and
 * an HLS playlist is not; the Downloads screen lists sizes, opens a lesson and removes it.
 */
import { ApolloProvider, useQuery } from '@apollo/client';
import { NavigationContainer } from '@react-navigation/native';
import { createNativeStackNavigator } from '@react-navigation/native-stack';
import { fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { Text } from 'react-native';
import { File } from 'expo-file-system';
import { LessonPageQuery } from '@learncraft/operations';
import DownloadsScreen from '../../src/screens/DownloadsScreen';
import { DOWNLOADS_STORAGE_KEY, DownloadsProvider, useDownloads } from '../../src/offline/DownloadsContext';
import { formatBytes, isPlainVideoFile } from '../../src/offline/downloads';
import type { RootScreenProps, RootStackParamList } from '../../src/navigation/types';
import { Button } from '../../src/ui';
import { testClient } from './support/client';
import { COURSE, FakeGateway, startFakeGateway } from './support/fakeGateway';
import { MemoryStorage } from './support/memoryStorage';

jest.mock('@react-native-async-storage/async-storage', () =>
  jest.requireActual('@react-native-async-storage/async-storage/jest/async-storage-mock'),
);

function DownloadProbe({ lessonId }: { lessonId: string }) {
  const downloads = useDownloads();
  return (
    <>
      <Button
        label={`Download ${lessonId}`}
        onPress={() => void downloads.download({ lessonId, courseSlug: COURSE.slug })}
      />
      <Text>{`${lessonId} ${downloads.status(lessonId)}`}</Text>
      <Text>{`${lessonId} video ${downloads.localVideoUri(lessonId) ?? 'none'}`}</Text>
    </>
  );
}

function RemoveAllProbe() {
  const downloads = useDownloads();
  return (
    <>
      <Button label="Remove all" onPress={() => void downloads.removeAll()} />
      <Text>{`${downloads.items.length} downloaded`}</Text>
    </>
  );
}

/** Reads the lesson as a lesson screen does: cache first. */
function LessonReader({ lessonId }: { lessonId: string }) {
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

describe('downloads', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    gateway = await startFakeGateway();
  });
  afterEach(() => gateway.close());

  it('a downloaded reading opens from the cache with the network down', async () => {
    const client = testClient(gateway.url);
    const storage = new MemoryStorage();
    const view = await render(
      <ApolloProvider client={client}>
        <DownloadsProvider storage={storage}>
          <DownloadProbe lessonId="reading-1" />
        </DownloadsProvider>
      </ApolloProvider>,
    );
    await fireEvent.press(screen.getByRole('button', { name: 'Download reading-1' }));
    expect(await screen.findByText('reading-1 ready')).toBeOnTheScreen();
    expect(gateway.count('LessonPage')).toBe(1);
    expect(JSON.parse(storage.items.get(DOWNLOADS_STORAGE_KEY) ?? '[]')).toEqual([
      expect.objectContaining({
        lessonId: 'reading-1',
        lessonTitle: 'Methods',
        courseTitle: 'HTTP Basics',
        videoUri: null,
      }),
    ]);

    gateway.mode = 'unreachable';
    await view.rerender(
      <ApolloProvider client={client}>
        <LessonReader lessonId="reading-1" />
      </ApolloProvider>,
    );
    expect(await screen.findByText('Methods: # Methods\n\nGET is safe.')).toBeOnTheScreen();
    expect(gateway.count('LessonPage')).toBe(1);
  });

  it('a lesson not downloaded does not open with the network down', async () => {
    gateway.mode = 'unreachable';
    await render(
      <ApolloProvider client={testClient(gateway.url)}>
        <LessonReader lessonId="reading-1" />
      </ApolloProvider>,
    );
    expect(await screen.findByText('failed to load')).toBeOnTheScreen();
  });

  it('saves a plain video file to the document directory, but not an HLS playlist', async () => {
    await render(
      <ApolloProvider client={testClient(gateway.url)}>
        <DownloadsProvider storage={new MemoryStorage()}>
          <DownloadProbe lessonId="video-1" />
          <DownloadProbe lessonId="video-2" />
        </DownloadsProvider>
      </ApolloProvider>,
    );
    await fireEvent.press(screen.getByRole('button', { name: 'Download video-1' }));
    await fireEvent.press(screen.getByRole('button', { name: 'Download video-2' }));
    expect(await screen.findByText('video-1 ready')).toBeOnTheScreen();
    expect(await screen.findByText('video-2 ready')).toBeOnTheScreen();
    const saved = screen.getByText(/^video-1 video /).props.children as string;
    expect(saved).toMatch(/^video-1 video file:\/\/.*\/downloads\/video-1\.mp4$/);
    expect(new File(saved.replace('video-1 video ', '')).exists).toBe(true);
    expect(screen.getByText('video-2 video none')).toBeOnTheScreen();
  });

  it('a failed download says so and records nothing', async () => {
    gateway.mode = 'unreachable';
    const storage = new MemoryStorage();
    await render(
      <ApolloProvider client={testClient(gateway.url)}>
        <DownloadsProvider storage={storage}>
          <DownloadProbe lessonId="reading-1" />
        </DownloadsProvider>
      </ApolloProvider>,
    );
    await fireEvent.press(screen.getByRole('button', { name: 'Download reading-1' }));
    expect(await screen.findByText('reading-1 failed')).toBeOnTheScreen();
    expect(storage.items.get(DOWNLOADS_STORAGE_KEY)).toBeUndefined();
  });

  it('the Downloads screen lists each lesson with its size, opens it, and removes it with its video', async () => {
    const storage = new MemoryStorage();
    const Stack = createNativeStackNavigator<RootStackParamList>();
    const opened: RootStackParamList['Lesson'][] = [];
    function LessonStub({ route }: RootScreenProps<'Lesson'>) {
      opened.push(route.params);
      return <Text>lesson opened</Text>;
    }
    await render(
      <ApolloProvider client={testClient(gateway.url)}>
        <DownloadsProvider storage={storage}>
          <DownloadProbe lessonId="video-1" />
          <NavigationContainer>
            <Stack.Navigator>
              <Stack.Screen name="Downloads" component={DownloadsScreen} />
              <Stack.Screen name="Lesson" component={LessonStub} />
            </Stack.Navigator>
          </NavigationContainer>
        </DownloadsProvider>
      </ApolloProvider>,
    );
    expect(screen.getByText(/^No lessons downloaded yet/)).toBeOnTheScreen();
    await fireEvent.press(screen.getByRole('button', { name: 'Download video-1' }));
    expect(await screen.findByText('video-1 ready')).toBeOnTheScreen();
    const [record] = JSON.parse(storage.items.get(DOWNLOADS_STORAGE_KEY) ?? '[]') as {
      dataBytes: number;
      videoBytes: number;
      videoUri: string;
    }[];
    const size = formatBytes(record!.dataBytes + record!.videoBytes);
    expect(screen.getByText(`1 lesson · ${size} on this phone`)).toBeOnTheScreen();
    expect(screen.getByText(`Lesson and video · ${size}`)).toBeOnTheScreen();
    expect(screen.getByText('HTTP Basics')).toBeOnTheScreen();

    await fireEvent.press(screen.getByRole('button', { name: 'Remove What is HTTP' }));
    await waitFor(() => expect(screen.getByText(/^No lessons downloaded yet/)).toBeOnTheScreen());
    expect(new File(record!.videoUri).exists).toBe(false);
    expect(storage.items.get(DOWNLOADS_STORAGE_KEY)).toBe('[]');
    expect(screen.getByText('video-1 none')).toBeOnTheScreen();

    await fireEvent.press(screen.getByRole('button', { name: 'Download video-1' }));
    await fireEvent.press(await screen.findByRole('link', { name: 'What is HTTP' }));
    expect(await screen.findByText('lesson opened')).toBeOnTheScreen();
    expect(opened).toEqual([{ lessonId: 'video-1', courseSlug: COURSE.slug }]);
  });

  it('removeAll (sign-out) deletes every download and its video file', async () => {
    const storage = new MemoryStorage();
    await render(
      <ApolloProvider client={testClient(gateway.url)}>
        <DownloadsProvider storage={storage}>
          <DownloadProbe lessonId="video-1" />
          <DownloadProbe lessonId="reading-1" />
          <RemoveAllProbe />
        </DownloadsProvider>
      </ApolloProvider>,
    );
    await fireEvent.press(screen.getByRole('button', { name: 'Download video-1' }));
    await fireEvent.press(screen.getByRole('button', { name: 'Download reading-1' }));
    expect(await screen.findByText('2 downloaded')).toBeOnTheScreen();
    const video = (
      JSON.parse(storage.items.get(DOWNLOADS_STORAGE_KEY) ?? '[]') as { lessonId: string; videoUri: string }[]
    ).find((item) => item.lessonId === 'video-1');
    expect(new File(video!.videoUri).exists).toBe(true);
    await fireEvent.press(screen.getByRole('button', { name: 'Remove all' }));
    expect(await screen.findByText('0 downloaded')).toBeOnTheScreen();
    expect(new File(video!.videoUri).exists).toBe(false);
    expect(storage.items.get(DOWNLOADS_STORAGE_KEY)).toBe('[]');
  });

  it('tells plain video files from streaming playlists', () => {
    expect(
      [
        'https://cdn.example/a.mp4',
        'https://cdn.example/a.WEBM?sig=1',
        'https://cdn.example/a.m4v#t=3',
        'https://cdn.example/a.m3u8',
        'https://cdn.example/mp4',
      ].map(isPlainVideoFile),
    ).toEqual([true, true, true, false, false]);
    expect([formatBytes(900), formatBytes(1536), formatBytes(5 * 1024 * 1024)]).toEqual([
      '900 B',
      '1.5 KB',
      '5.0 MB',
    ]);
  });
});
