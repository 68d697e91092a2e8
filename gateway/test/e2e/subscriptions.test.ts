/**
 * Federated subscriptions through the gateway over graphql-ws: the root field streams from
 * progress, each event is completed with catalog and identity fields, access is enforced, identical
 * upstream streams are shared, and upstream restarts and gateway shutdown are handled. The socket
 * validates, limits and masks like HTTP (checked against a fake subgraph that counts what reaches
 * it), caps sockets per user, and runs queries and mutations like HTTP.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { progressTopic } from '@learncraft/progress';
import type { RunningGateway } from '../../src';
import { startPlatform, type Platform } from './platform';
import { connect, waitFor, type Received, type TestClient } from './wsClient';

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

/** Cost 4 + n × 503 (each enrollment lists up to 500 lessons): over 100,000 from n = 199 on. */
const COSTLY_SUBSCRIPTION = /* GraphQL */ `
  subscription ($id: ID!, $n: Int) {
    progressUpdated(courseId: $id) {
      enrollment {
        user {
          enrollments(first: $n) {
            edges {
              node {
                lessons {
                  status
                }
              }
            }
          }
        }
      }
    }
  }
`;

interface FakeSubgraph {
  url: string;
  /** The payload of every `subscribe` message that reached this subgraph. */
  subscribes: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * A stand-in subgraph speaking graphql-transport-ws on 127.0.0.1: acknowledges every connection,
 * records every subscribe and answers it with `reply` (nothing by default).
 */
async function startFakeSubgraph(reply?: (send: (message: object) => void) => void): Promise<FakeSubgraph> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    handleProtocols: () => 'graphql-transport-ws',
  });
  const subscribes: FakeSubgraph['subscribes'] = [];
  wss.on('connection', (socket) =>
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; id?: string; payload?: any };
      if (message.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
      if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      if (message.type === 'subscribe') {
        subscribes.push(message.payload);
        reply?.((payload) => socket.send(JSON.stringify({ id: message.id, ...payload })));
      }
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    subscribes,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

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

  it('shares one upstream stream between identical subscriptions, closes it when the last leaves, and keeps the idle connection a while', async () => {
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
    // Kept for the subject's next subscription (earlier tests may have idle ones too), then closed
    // once idle for upstreamIdleMs (10 s).
    expect(platform.gateway.subscriptions.hub.activeConnections).toBeGreaterThanOrEqual(1);
    await waitFor(
      () => platform.gateway.subscriptions.hub.activeConnections === 0,
      30_000,
      'idle connection closed',
    );
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

  describe('validation, limits and masking on the socket', () => {
    let fake: FakeSubgraph;
    let fakeGateway: RunningGateway;
    let fakeGatewayUrl: string;
    beforeAll(async () => {
      fake = await startFakeSubgraph();
      fakeGateway = await platform.startGateway({ urls: { PROGRESS_URL: fake.url } });
      fakeGatewayUrl = fakeGateway.url;
    });
    afterAll(async () => {
      await fake?.close();
    });
    beforeEach(() => {
      fake.subscribes.length = 0;
    });

    it('sends a valid subscription on to the owning subgraph (the fake counts what arrives)', async () => {
      const subscription = open(learner, fakeGatewayUrl).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
      await waitFor(() => fake.subscribes.length === 1, 10_000, 'upstream subscribe');
      expect(fake.subscribes[0]?.variables).toEqual({ id: courseId });
      // The learner's token travels with their subscription, not with the shared connection.
      expect(fake.subscribes[0]?.extensions).toEqual({ authorization: `Bearer ${learner}` });
      expect(subscription.received).toEqual([]);
    });

    it.each([
      {
        what: 'an unknown field',
        query: `subscription ($id: ID!) { progressUpdated(courseId: $id) { kind nope } }`,
        variables: () => ({ id: courseId }),
        message: 'Cannot query field "nope" on type "ProgressEvent".',
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        what: 'a variable declared with the wrong type',
        query: `subscription ($id: Int!) { progressUpdated(courseId: $id) { kind } }`,
        variables: () => ({ id: 1 }),
        message: 'Variable "$id" of type "Int!" used in position expecting type "ID!".',
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        what: 'a variable value of the wrong type',
        query: `subscription ($id: ID!) { progressUpdated(courseId: $id) { kind } }`,
        variables: () => ({ id: { a: 1 } }),
        message: 'Variable "$id" got invalid value { a: 1 }; ID cannot represent value: { a: 1 }',
        code: 'BAD_USER_INPUT',
      },
      {
        what: 'a missing required argument',
        query: `subscription { progressUpdated { kind } }`,
        variables: () => ({}),
        message:
          'Field "progressUpdated" argument "courseId" of type "ID!" is required, but it was not provided.',
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        what: 'an unknown argument',
        query: `subscription ($id: ID!) { progressUpdated(courseId: $id, since: 1) { kind } }`,
        variables: () => ({ id: courseId }),
        message: 'Unknown argument "since" on field "Subscription.progressUpdated".',
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        what: 'two root fields',
        query: `subscription ($id: ID!) { a: progressUpdated(courseId: $id) { kind } b: progressUpdated(courseId: $id) { kind } }`,
        variables: () => ({ id: courseId }),
        message: 'Anonymous Subscription must select only one top level field.',
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
    ])('answers $what with a graphql-ws error message and sends nothing upstream', async (example) => {
      const subscription = open(learner, fakeGatewayUrl).subscribe(example.query, example.variables());
      expect(await subscription.ended).toEqual({
        error: [
          { message: example.message, locations: expect.any(Array), extensions: { code: example.code } },
        ],
      });
      expect(subscription.received).toEqual([]);
      // A valid subscription on the same gateway afterwards is the first thing the subgraph sees.
      open(learner, fakeGatewayUrl).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
      await waitFor(() => fake.subscribes.length > 0, 10_000, 'upstream subscribe');
      expect(fake.subscribes).toEqual([expect.objectContaining({ variables: { id: courseId } })]);
    });

    it('refuses a subscription over the cost limit with its variables, and accepts the same document with a small page', async () => {
      const client = open(learner, fakeGatewayUrl);
      const costly = client.subscribe(COSTLY_SUBSCRIPTION, { id: courseId, n: 1000 });
      expect(await costly.ended).toEqual({
        error: [
          {
            message: 'Query cost 503004 exceeds the limit of 100000.',
            extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'cost', value: 503004, maximum: 100000 },
          },
        ],
      });
      expect(fake.subscribes).toEqual([]);
      client.subscribe(COSTLY_SUBSCRIPTION, { id: courseId, n: 1 });
      await waitFor(() => fake.subscribes.length === 1, 10_000, 'upstream subscribe');
    });

    it('budgets the summed cost of one socket’s subscriptions and frees it when one ends', async () => {
      const client = open(learner, fakeGatewayUrl);
      const first = client.subscribe(COSTLY_SUBSCRIPTION, { id: courseId, n: 150 }); // cost 75,454
      await waitFor(() => fake.subscribes.length === 1, 10_000, 'upstream subscribe');
      const second = client.subscribe(COSTLY_SUBSCRIPTION, { id: courseId, n: 100 }); // 50,304 more
      expect(await second.ended).toEqual({
        error: [
          {
            message: 'The subscriptions of this connection would cost 125758, over the limit of 100000.',
            extensions: {
              code: 'OPERATION_TOO_COMPLEX',
              limit: 'socketCost',
              value: 125758,
              maximum: 100000,
            },
          },
        ],
      });
      // Another socket has its own budget.
      open(learner, fakeGatewayUrl).subscribe(COSTLY_SUBSCRIPTION, { id: courseId, n: 100 });
      await waitFor(() => fake.subscribes.length === 2, 10_000, 'second upstream subscribe');
      first.unsubscribe();
      await waitFor(() => fakeGateway.subscriptions.hub.activeStreams === 1, 10_000, 'first stream closed');
      const third = client.subscribe(COSTLY_SUBSCRIPTION, { id: courseId, n: 151 }); // its own stream
      await waitFor(() => fakeGateway.subscriptions.hub.activeStreams === 2, 10_000, 'third stream');
      expect(third.received).toEqual([]);
    });

    it('masks an unexpected subgraph error in an event as INTERNAL_SERVER_ERROR', async () => {
      const leaky = await startFakeSubgraph((send) =>
        send({
          type: 'next',
          payload: { data: null, errors: [{ message: 'relation "enrollments" does not exist' }] },
        }),
      );
      try {
        const gateway = await platform.startGateway({ urls: { PROGRESS_URL: leaky.url } });
        const subscription = open(learner, gateway.url).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
        const event = await subscription.next();
        expect(JSON.stringify(event)).not.toContain('relation "');
        expect(event.errors).toEqual([
          expect.objectContaining({
            message: 'Internal server error',
            extensions: expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR' }),
          }),
        ]);
      } finally {
        await leaky.close();
      }
    });

    it('closes the sixth concurrent socket of one user with 4429 and still accepts another user', async () => {
      const gateway = await platform.startGateway();
      const five = Array.from({ length: 5 }, () => open(learner, gateway.url));
      await Promise.all(five.map((client) => client.connected));
      expect(await open(learner, gateway.url).closed).toBe(4429);
      await open(instructor, gateway.url).connected;
      // A socket that leaves frees its place.
      await five[0]!.dispose();
      await waitFor(() => gateway.metrics.get('ws_connections_active') === 5, 10_000, 'socket closed');
      await open(learner, gateway.url).connected;
    });

    it('runs a query over the socket like HTTP, as the connection’s user', async () => {
      const query = `{ me { displayName } course(slug: "kubernetes-basics") { title } }`;
      const overSocket = open(learner).subscribe(query);
      const overHttp = await platform.graphql(query, {}, learner);
      expect(await overSocket.next()).toEqual({ data: overHttp.data });
      expect(overHttp.data).toEqual({
        me: { displayName: 'Lee Learner' },
        course: { title: 'Kubernetes Basics' },
      });
      expect(await overSocket.ended).toBe('complete');
    });

    it('runs a mutation over the socket like HTTP, as the connection’s user', async () => {
      const courses = await platform.graphql(
        `{ courses(first: 10) { edges { node { id slug price { amount } } } } }`,
      );
      // A free course the other tests of this file do not enrol in.
      const course = courses.data?.courses.edges
        .map((edge: { node: { id: string; slug: string; price: unknown } }) => edge.node)
        .find(
          (node: { slug: string; price: unknown }) =>
            node.price === null && !['kubernetes-basics', 'the-linux-command-line'].includes(node.slug),
        );
      const enrolment = `query ($id: ID!) { course(id: $id) { viewerEnrollment { progressPercent } } }`;
      expect(
        (await platform.graphql(enrolment, { id: course.id }, learner)).data?.course.viewerEnrollment,
      ).toBeNull();
      const mutation = `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { enrollment { progressPercent } userErrors { code } } }`;
      const overSocket = open(learner).subscribe(mutation, { id: course.id });
      expect(await overSocket.next()).toEqual({
        data: { courseEnroll: { enrollment: { progressPercent: 0 }, userErrors: [] } },
      });
      expect(
        (await platform.graphql(enrolment, { id: course.id }, learner)).data?.course.viewerEnrollment,
      ).toEqual({
        progressPercent: 0,
      });
    });

    it('holds queries over the socket to the HTTP limits: validation and cost are graphql-ws errors', async () => {
      const client = open(learner);
      expect(await client.subscribe(`{ me { nope } }`).ended).toEqual({
        error: [
          {
            message: 'Cannot query field "nope" on type "User".',
            locations: expect.any(Array),
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ],
      });
      const costly = client.subscribe(
        `query ($n: Int) { me { enrollments(first: $n) { edges { node { course { modules { lessons { title } } } } } } } }`,
        { n: 1000 },
      );
      expect(await costly.ended).toEqual({
        error: [
          expect.objectContaining({ extensions: expect.objectContaining({ code: 'OPERATION_TOO_COMPLEX' }) }),
        ],
      });
    });
  });

  describe('many learners on one gateway', () => {
    let gateway: RunningGateway;
    const learners: { token: string; name: string }[] = [];
    beforeAll(async () => {
      // A gateway of its own, so its upstream connections and streams are these tests' alone.
      gateway = await platform.startGateway();
      for (const name of ['Ada', 'Grace', 'Edsger']) {
        const email = `${name.toLowerCase()}@many.example.com`;
        await platform.graphql(
          `mutation ($i: UserRegisterInput!) { userRegister(input: $i) { userErrors { code } } }`,
          { i: { email, password: 'many-learners-pass', displayName: name } },
        );
        const token = await platform.login(email, 'many-learners-pass');
        await platform.graphql(
          `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }`,
          { id: courseId },
          token,
        );
        learners.push({ token, name });
      }
    });
    const streams = (count: number) =>
      waitFor(() => gateway.subscriptions.hub.activeStreams === count, 10_000, `${count} upstream streams`);

    it('carries every learner’s stream on one upstream connection, each getting only their own events', async () => {
      const [ada, grace, edsger] = learners.map((one) =>
        open(one.token, gateway.url).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId }),
      );
      const teacher = open(instructor, gateway.url).subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
      await streams(4);
      await listening(4);
      expect(gateway.subscriptions.hub.activeConnections).toBe(1);
      for (const [index, lesson] of [0, 1, 0].entries()) {
        const done = await complete(readings()[lesson]!.id, learners[index]!.token);
        expect(done.data?.lessonComplete.userErrors).toEqual([]);
      }

      const who = (event: Received) => [
        event.data?.progressUpdated.enrollment.user.displayName,
        event.data?.progressUpdated.lesson.title,
      ];
      expect(who(await ada!.next())).toEqual(['Ada', readings()[0]!.title]);
      expect(who(await grace!.next())).toEqual(['Grace', readings()[1]!.title]);
      expect(who(await edsger!.next())).toEqual(['Edsger', readings()[0]!.title]);
      const all = [await teacher.next(), await teacher.next(), await teacher.next()].map(who);
      expect(all).toEqual([
        ['Ada', readings()[0]!.title],
        ['Grace', readings()[1]!.title],
        ['Edsger', readings()[0]!.title],
      ]);
      // Nothing of the others reached a learner.
      for (const own of [ada, grace, edsger]) expect(own!.received).toEqual([]);
    });

    it('ends only its own learner’s stream when a token expires; the others on the connection go on', async () => {
      const user = account('learner@learncraft.dev');
      const shortLived = await platform.identity.issueAccessToken(user.id, user.roles, { ttlSeconds: 2 });
      const expiring = open(shortLived.token, gateway.url);
      expiring.subscribe(PROGRESS_SUBSCRIPTION, { id: courseId });
      const staying = open(learners[0]!.token, gateway.url).subscribe(PROGRESS_SUBSCRIPTION, {
        id: courseId,
      });
      await streams(2);
      expect(gateway.subscriptions.hub.activeConnections).toBe(1);
      expect(await expiring.closed).toBe(4403);
      await streams(1);
      expect(gateway.subscriptions.hub.activeConnections).toBe(1);
      await complete(readings()[0]!.id, learners[0]!.token);
      expect((await staying.next()).data?.progressUpdated.enrollment.user.displayName).toBe('Ada');
    });

    it('completes one event for twenty subscriptions of one learner with the catalog requests of one', async () => {
      const catalogRequests = () => platform.catalog.metrics.get('graphql_requests_total');
      const eventCost = async (subscriptions: number) => {
        // Earlier tests' streams end asynchronously: start from none, so `listening(1)` is ours.
        await streams(0);
        await listening(0);
        const client = open(learners[1]!.token, gateway.url);
        const all = Array.from({ length: subscriptions }, () =>
          client.subscribe(PROGRESS_SUBSCRIPTION, { id: courseId }),
        );
        await streams(1);
        await listening(1);
        const before = catalogRequests();
        const done = await complete(readings()[0]!.id, learners[1]!.token);
        expect(done.data?.lessonComplete.userErrors).toEqual([]);
        for (const subscription of all) {
          expect((await subscription.next()).data?.progressUpdated.lesson.title).toBe(readings()[0]!.title);
        }
        const cost = catalogRequests() - before;
        await client.dispose();
        await streams(0);
        return cost;
      };
      // The plan fetches the course and the lesson from catalog: two requests per event, for one
      // subscription as for twenty (each subscription ran its own fetches before: forty).
      expect(await eventCost(1)).toBe(2);
      expect(await eventCost(20)).toBe(2);
    });
  });
});
