/**
 * Federated subscriptions through the gateway over graphql-ws: the root field streams from
 * progress, each event is completed with catalog and identity fields, access is enforced, identical
 * upstream streams are shared, and upstream restarts and gateway shutdown are handled.
 */
import WebSocket from 'ws';
import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { progressTopic } from '@learncraft/progress';
import { startPlatform, type Platform } from './platform';
import { connect, waitFor, type TestClient } from './wsClient';

const PROGRESS_SUBSCRIPTION = /* GraphQL */ `
  subscription ($id: ID!) {
    progressUpdated(courseId: $id) {
      kind
      enrollment {
        progressPercent
        course {
          title
        }
        user {
          displayName
        }
      }
      lesson {
        title
      }
    }
  }
`;

const account = (email: string) => DEMO_ACCOUNTS.find((candidate) => candidate.email === email)!;

describe('subscriptions through the gateway', () => {
  let platform: Platform;
  let learner: string;
  let instructor: string;
  let courseId: string;
  let lessons: { id: string; title: string; kind: string }[];
  const clients: TestClient[] = [];
  const open = (token?: string, url = platform.gateway.url) => {
    const client = connect(url, token);
    clients.push(client);
    return client;
  };

  const complete = (lessonId: string, token = learner) =>
    platform.graphql(
      `mutation ($id: ID!) { lessonComplete(input: { lessonId: $id }) { userErrors { code } } }`,
      { id: lessonId },
      token,
    );

  beforeAll(async () => {
    platform = await startPlatform();
    learner = await platform.login(
      account('learner@learncraft.dev').email,
      account('learner@learncraft.dev').password,
    );
    instructor = await platform.login(
      account('instructor@learncraft.dev').email,
      account('instructor@learncraft.dev').password,
    );
    const course = await platform.graphql(
      `{ course(slug: "kubernetes-basics") { id modules { lessons { id title kind } } } }`,
    );
    courseId = course.data?.course.id;
    lessons = course.data?.course.modules.flatMap((module: { lessons: unknown[] }) => module.lessons);
    await platform.graphql(
      `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }`,
      { id: courseId },
      learner,
    );
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(async () => {
    await platform?.close();
  });

  /** Upstream subscriptions register asynchronously: wait until progress holds `count` of them. */
  const listening = (count: number) =>
    waitFor(
      () => platform.progressPubSub.subscriberCount(progressTopic(courseId)) === count,
      10_000,
      `${count} upstream subscribers`,
    );

  const readings = () => lessons.filter((lesson) => lesson.kind === 'READING' || lesson.kind === 'LAB');

  it('streams progress with course, lesson and user fields resolved from catalog and identity', async () => {
    const subscription = open(learner).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    await listening(1);
    expect(platform.gateway.subscriptions.hub.activeStreams).toBe(1);
    const lesson = readings()[0]!;
    expect((await complete(lesson.id)).data?.lessonComplete.userErrors).toEqual([]);
    const event = await subscription.next();
    expect(event).toEqual({
      data: {
        progressUpdated: {
          kind: 'LESSON_COMPLETED',
          enrollment: {
            progressPercent: Math.floor(100 / lessons.length),
            course: { title: 'Kubernetes Basics' },
            user: { displayName: 'Lee Learner' },
          },
          lesson: { title: lesson.title },
        },
      },
    });
  });

  it('delivers every learner’s events to the course instructor, and only their own to a learner', async () => {
    await platform.graphql(
      `mutation { userRegister(input: { email: "second@example.com", password: "another-learner-pass", displayName: "Second" }) { userErrors { code } } }`,
    );
    const second = await platform.login('second@example.com', 'another-learner-pass');
    await platform.graphql(
      `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }`,
      { id: courseId },
      second,
    );

    const mine = open(learner).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    const teacher = open(instructor).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    await listening(2);
    expect(platform.gateway.subscriptions.hub.activeStreams).toBe(2);
    await complete(readings()[0]!.id, second);
    await complete(readings()[1]!.id, learner);

    expect((await teacher.next()).data?.progressUpdated.enrollment.user.displayName).toBe('Second');
    expect((await teacher.next()).data?.progressUpdated.enrollment.user.displayName).toBe('Lee Learner');
    const own = await mine.next();
    expect(own.data?.progressUpdated.enrollment.user.displayName).toBe('Lee Learner');
    expect(own.data?.progressUpdated.lesson.title).toBe(readings()[1]!.title);
  });

  it('refuses a learner following a course they are not enrolled in with FORBIDDEN', async () => {
    const other = await platform.graphql(`{ course(slug: "the-linux-command-line") { id } }`);
    const subscription = open(learner).subscribe(PROGRESS_SUBSCRIPTION, { id: other.data?.course.id });
    const event = await subscription.next();
    expect(event.data ?? null).toBeNull();
    expect(event.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('shares one upstream stream between identical subscriptions and closes it when the last leaves', async () => {
    const first = open(learner).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    const second = open(learner).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    await listening(1);
    expect(platform.gateway.subscriptions.hub.activeStreams).toBe(1);
    await complete(readings()[0]!.id);
    expect((await first.next()).data?.progressUpdated.kind).toBe('LESSON_COMPLETED');
    expect((await second.next()).data?.progressUpdated.kind).toBe('LESSON_COMPLETED');
    expect(platform.gateway.subscriptions.hub.activeStreams).toBe(1);
    first.unsubscribe();
    second.unsubscribe();
    await waitFor(() => platform.gateway.subscriptions.hub.activeStreams === 0, 10_000, 'stream closed');
    expect(platform.gateway.subscriptions.hub.activeConnections).toBe(0);
  });

  it('closes a connection with an expired token with 4403', async () => {
    const user = account('learner@learncraft.dev');
    const expired = await platform.identity.issueAccessToken(user.id, user.roles, {
      issuedAt: new Date(Date.now() - 3_600_000),
      ttlSeconds: 60,
    });
    expect(await open(expired.token).closed).toBe(4403);
  });

  it('closes a connection without a token with 4403', async () => {
    expect(await open().closed).toBe(4403);
  });

  it('closes the socket with 4403 when the access token expires mid-connection', async () => {
    const user = account('learner@learncraft.dev');
    const shortLived = await platform.identity.issueAccessToken(user.id, user.roles, { ttlSeconds: 2 });
    const client = open(shortLived.token);
    const subscription = client.subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    await listening(1);
    expect(await client.closed).toBe(4403);
    await listening(0);
    expect(await subscription.ended).toEqual({
      error: expect.objectContaining({ code: 4403, reason: 'Access token expired' }),
    });
  });

  it('closes a socket that sends a message over 64 KiB with 1009', async () => {
    const socket = new WebSocket(platform.gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${learner}`, padding: 'x'.repeat(70 * 1024) },
      }),
    );
    const code = await new Promise<number>((resolve) =>
      socket.on('close', (closeCode) => resolve(closeCode)),
    );
    expect(code).toBe(1009);
  });

  it('closes a socket that never sends connection_init with 4408', async () => {
    const socket = new WebSocket(platform.gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) =>
      socket.on('close', (closeCode) => resolve(closeCode)),
    );
    expect(code).toBe(4408);
  });

  it('refuses more than 20 subscriptions on one socket', async () => {
    const client = open(learner);
    const subscriptions = Array.from({ length: 21 }, () =>
      client.subscribe(PROGRESS_SUBSCRIPTION, { id: courseId }),
    );
    const refused = await subscriptions[20]!.ended;
    expect(refused).toEqual({
      error: [expect.objectContaining({ message: 'At most 20 subscriptions per connection.' })],
    });
    await listening(1); // the twenty accepted ones share one upstream stream
    expect(platform.gateway.subscriptions.hub.activeStreams).toBe(1);
    await complete(readings()[0]!.id);
    for (const subscription of subscriptions.slice(0, 20)) {
      expect((await subscription.next()).data?.progressUpdated.kind).toBe('LESSON_COMPLETED');
    }
  });

  it('keeps streaming across a restart of the progress subgraph without the client resubscribing', async () => {
    const subscription = open(learner).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    await listening(1);
    const port = platform.progress.port;
    await platform.progress.close();
    await listening(0);
    const restarted = await platform.startProgressReplica(port);
    expect(restarted.port).toBe(port);
    await listening(1); // the gateway resubscribed on its own
    await complete(readings()[0]!.id);
    const event = await subscription.next();
    expect(event.data?.progressUpdated.enrollment.course.title).toBe('Kubernetes Basics');
    expect(platform.gateway.metrics.get('upstream_reconnect_attempts_total')).toBeGreaterThan(0);
  });

  it('ends a subscription with an error when its subgraph stays away past the reconnect window', async () => {
    const progress = await platform.startProgressReplica();
    const gateway = await platform.startGateway({
      urls: { PROGRESS_URL: progress.url },
      subscriptionLimits: { reconnectWindowMs: 1_000 },
    });
    const subscription = open(learner, gateway.url).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    await waitFor(() => gateway.subscriptions.hub.activeStreams === 1, 10_000, 'upstream stream');
    await progress.close();
    const event = await subscription.next(15_000);
    expect(event.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'progress' });
    expect(await subscription.ended).toBe('complete');
  });

  it('closes client sockets with 1001 when the gateway shuts down', async () => {
    const gateway = await platform.startGateway();
    const client = open(learner, gateway.url);
    client.subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
    await waitFor(() => gateway.subscriptions.hub.activeStreams === 1, 10_000, 'upstream stream');
    await gateway.close();
    expect(await client.closed).toBe(1001);
  });
});
