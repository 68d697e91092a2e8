/**
 * The app's own Apollo client (createMobileApolloClient: the same links, cache and shared
 * operations the screens use) against the real gateway over real identity, catalog, progress and
 * commerce subgraphs: log in with a demo account, search the demo catalog, enrol in a free course,
 * watch a completed reading arrive live over graphql-ws, and keep working when the access token is
 * rejected or has run out. Node has no WebSocket of React Native's kind, so the client gets `ws`;
 * the refresh token lives in memory instead of the keychain.
 */
import WebSocket from 'ws';
import type { ApolloClient, NormalizedCacheObject } from '@apollo/client';
import {
  CoursePageQuery,
  CourseEnrollMutation,
  CourseSearchQuery,
  LessonCompleteMutation,
  MeQuery,
  ProgressUpdatedSubscription,
  SessionCreateMutation,
} from '@learncraft/operations';
import type {
  ProgressUpdatedSubscription as ProgressUpdatedEvent,
  SessionFieldsFragment,
} from '@learncraft/operations/types';
import { SessionManager, memoryTokenStorage, type TokenStorage } from '@learncraft/operations/session';
import { demoCourses } from '@learncraft/catalog/src/seed/demoCatalog';
import { progressTopic } from '@learncraft/progress';
import { demoAccount, startPlatform, type Platform } from '../../../../gateway/test/e2e/platform';
import { waitFor } from '../../../../gateway/test/e2e/wsClient';
import { createMobileApolloClient } from '../../src/apollo/client';

const learner = demoAccount('learner@learncraft.dev');
const kubernetes = demoCourses.find((course) => course.slug === 'kubernetes-basics')!;
const kubernetesLessons = kubernetes.modules.flatMap((module) => module.lessons);

describe("the app's Apollo client against the real gateway", () => {
  let platform: Platform;
  let storage: TokenStorage;
  let session: SessionManager;
  let client: ApolloClient<NormalizedCacheObject>;
  let courseId: string;
  let enrollmentId: string;
  /** The session the demo learner logged in with. */
  let loggedIn: SessionFieldsFragment;

  beforeAll(async () => {
    platform = await startPlatform();
    storage = memoryTokenStorage();
    session = new SessionManager({ graphqlUrl: platform.gateway.url, storage });
    await session.start();
    client = createMobileApolloClient({
      graphqlUrl: platform.gateway.url,
      session,
      webSocketImpl: WebSocket,
    });
  });
  afterAll(async () => {
    client?.stop();
    session?.dispose();
    await platform?.close();
  });

  it('logs in with a demo account and keeps the refresh token in its storage', async () => {
    const { data } = await client.mutate({
      mutation: SessionCreateMutation,
      variables: { input: { email: learner.email, password: learner.password } },
    });
    expect(data?.sessionCreate.userErrors).toEqual([]);
    const created = data!.sessionCreate.session!;
    loggedIn = created;
    session.accept(created);

    expect(session.current).toMatchObject({
      status: 'signedIn',
      accessToken: created.accessToken,
      user: { displayName: 'Lee Learner', email: 'learner@learncraft.dev', roles: ['LEARNER'] },
    });
    const me = await client.query({ query: MeQuery, fetchPolicy: 'network-only' });
    expect(me.data.me).toMatchObject({
      displayName: 'Lee Learner',
      email: 'learner@learncraft.dev',
      roles: ['LEARNER'],
    });
    // Stored in the background by accept(), long before a round trip to the gateway ends.
    expect(await storage.get()).toBe(created.refreshToken);
  });

  it('searches the demo catalog with the shared search operation', async () => {
    const { data } = await client.query({
      query: CourseSearchQuery,
      variables: { query: 'typescript', first: 10 },
    });

    expect(data.courseSearch?.totalCount).toBe(2);
    expect(data.courseSearch?.edges.map((edge) => edge.node.title)).toEqual([
      'TypeScript Fundamentals',
      'Advanced TypeScript Types',
    ]);
    const kubernetesSearch = await client.query({
      query: CourseSearchQuery,
      variables: { query: 'kubernetes', first: 10 },
    });
    expect(kubernetesSearch.data.courseSearch?.edges[0]?.node).toMatchObject({
      slug: 'kubernetes-basics',
      title: 'Kubernetes Basics',
      level: 'BEGINNER',
      price: null,
    });
  });

  it('enrols in a free course', async () => {
    const page = await client.query({ query: CoursePageQuery, variables: { slug: 'kubernetes-basics' } });
    const course = page.data.course!;
    courseId = course.id;
    expect(course.title).toBe('Kubernetes Basics');
    expect(course.viewerEnrollment).toBeNull();
    expect(course.viewerAccess).toMatchObject({ hasAccess: true });

    const { data } = await client.mutate({
      mutation: CourseEnrollMutation,
      variables: { input: { courseId } },
    });

    expect(data?.courseEnroll.userErrors).toEqual([]);
    enrollmentId = data!.courseEnroll.enrollment!.id;
    expect(data?.courseEnroll.enrollment).toMatchObject({
      progressPercent: 0,
      completedAt: null,
      course: { id: courseId, viewerEnrollment: { id: data?.courseEnroll.enrollment?.id } },
    });
  });

  it('receives its progress live over graphql-ws when it completes a reading', async () => {
    const page = await client.query({ query: CoursePageQuery, variables: { slug: 'kubernetes-basics' } });
    const lessons = page.data.course!.modules.flatMap((module) => module.lessons);
    const reading = lessons.find((lesson) => lesson.kind === 'READING')!;
    const events: ProgressUpdatedEvent[] = [];
    const subscription = client
      .subscribe({ query: ProgressUpdatedSubscription, variables: { courseId } })
      .subscribe({ next: ({ data }) => data && events.push(data) });
    try {
      // The gateway opens the upstream subscription asynchronously: wait until progress holds it.
      await waitFor(
        () => platform.progressPubSub.subscriberCount(progressTopic(courseId)) === 1,
        10_000,
        'the upstream progress subscription',
      );

      const completed = await client.mutate({
        mutation: LessonCompleteMutation,
        variables: { input: { lessonId: reading.id } },
      });
      expect(completed.data?.lessonComplete.userErrors).toEqual([]);
      await waitFor(() => events.length > 0, 10_000, 'a progressUpdated event');

      const [event] = events;
      const expectedPercent = Math.floor(100 / kubernetesLessons.length);
      expect(event?.progressUpdated).toMatchObject({
        kind: 'LESSON_COMPLETED',
        lesson: { id: reading.id, title: reading.title },
        enrollment: {
          id: enrollmentId,
          progressPercent: expectedPercent,
          completedAt: null,
        },
      });
      expect(event?.progressUpdated.lesson?.title).toBe(
        kubernetesLessons.find((l) => l.kind === 'READING')!.title,
      );
      expect(
        event?.progressUpdated.enrollment.lessons
          .filter((entry) => entry.status === 'COMPLETED')
          .map((entry) => entry.lesson.title),
      ).toEqual([reading.title]);
      expect(Date.parse(event!.progressUpdated.at)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('refreshes a rejected access token transparently, and retries the request with the new one', async () => {
    const before = session.current;
    if (before.status !== 'signedIn') throw new Error('the learner should still be signed in');
    const refreshToken = (await storage.get())!;
    // The access token the gateway rejects: a forged one, with the real refresh token kept.
    session.accept({
      ...loggedIn,
      accessToken: 'not-a-token-the-gateway-signed',
      accessTokenExpiresAt: new Date(before.expiresAt).toISOString(),
      refreshToken,
    });

    const me = await client.query({ query: MeQuery, fetchPolicy: 'network-only' });

    expect(me.data.me?.displayName).toBe('Lee Learner');
    const after = session.current;
    expect(after.status).toBe('signedIn');
    expect(after.status === 'signedIn' && after.accessToken).not.toBe('not-a-token-the-gateway-signed');
    expect(await storage.get()).not.toBe(refreshToken);
  });

  it('refreshes an access token that has run out before sending the request', async () => {
    const before = session.current;
    if (before.status !== 'signedIn') throw new Error('the learner should still be signed in');
    const refreshToken = (await storage.get())!;
    session.accept({
      ...loggedIn,
      accessToken: before.accessToken,
      accessTokenExpiresAt: new Date(Date.now() - 1_000).toISOString(),
      refreshToken,
    });

    const me = await client.query({ query: MeQuery, fetchPolicy: 'network-only' });

    expect(me.data.me?.displayName).toBe('Lee Learner');
    const after = session.current;
    expect(after.status === 'signedIn' && after.accessToken).not.toBe(before.accessToken);
    expect(after.status === 'signedIn' && after.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    expect(await storage.get()).not.toBe(refreshToken);
  });
});
