import { createClient, type Client } from 'graphql-ws';
import { TEST_GATEWAY_HEADERS } from '@learncraft/kit/testing';
import WebSocket from 'ws';
import { INSTRUCTOR_ID, WEB_COURSE } from './support/catalogFixture';
import { COMPLETE, ENROLL, HEARTBEAT, startHarness, type Harness } from './support/harness';

const PROGRESS_UPDATED = /* GraphQL */ `
  subscription ($courseId: ID!) {
    progressUpdated(courseId: $courseId) {
      kind
      at
      lesson {
        id
      }
      enrollment {
        id
        user {
          id
        }
        progressPercent
      }
    }
  }
`;

describe('Subscription.progressUpdated', () => {
  let h: Harness;
  const clients: Client[] = [];
  beforeAll(async () => {
    h = await startHarness([WEB_COURSE]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose() as Promise<void>));
    await h.close();
  });

  /** The subgraph's WebSocket accepts the gateway only: upgrade with the gateway's credential. */
  class GatewaySocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: TEST_GATEWAY_HEADERS });
    }
  }

  function subscribe(token: string) {
    const client = createClient({
      url: h.server.url.replace(/^http/, 'ws'),
      webSocketImpl: GatewaySocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    return client.iterate<{ progressUpdated: any }>({
      query: PROGRESS_UPDATED,
      variables: { courseId: WEB_COURSE.id },
    });
  }

  /** Subscriptions are registered asynchronously; wait until the PubSub has the listeners. */
  async function untilListening(count: number) {
    for (let i = 0; i < 200 && h.pubsub.subscriberCount(`progress:${WEB_COURSE.id}`) < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('the instructor sees every learner; a learner sees only their own events, resolved from current data', async () => {
    const alice = await h.learner();
    const bob = await h.learner();
    const aliceEnrollment = (await h.gql(ENROLL, { courseId: WEB_COURSE.id }, alice.token)).data?.courseEnroll
      .enrollment.id;
    const bobEnrollment = (await h.gql(ENROLL, { courseId: WEB_COURSE.id }, bob.token)).data?.courseEnroll
      .enrollment.id;
    const instructorEvents = subscribe(await h.token(INSTRUCTOR_ID, ['LEARNER', 'INSTRUCTOR']));
    const aliceEvents = subscribe(alice.token);
    const firstForInstructor = instructorEvents.next();
    const firstForAlice = aliceEvents.next();
    await untilListening(2);

    await h.gql(COMPLETE, { lessonId: 'web-reading' }, bob.token);
    await h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 190 }, alice.token);

    expect((await firstForInstructor).value?.data?.progressUpdated).toEqual({
      kind: 'LESSON_COMPLETED',
      at: expect.any(String),
      lesson: { id: 'web-reading' },
      enrollment: { id: bobEnrollment, user: { id: bob.id }, progressPercent: 25 },
    });
    expect((await instructorEvents.next()).value?.data?.progressUpdated.enrollment.id).toBe(aliceEnrollment);
    expect((await firstForAlice).value?.data?.progressUpdated).toEqual({
      kind: 'LESSON_COMPLETED',
      at: expect.any(String),
      lesson: { id: 'web-video' },
      enrollment: { id: aliceEnrollment, user: { id: alice.id }, progressPercent: 25 },
    });
    // A second event is resolved afresh, not from the first event's loaders.
    const secondForAlice = aliceEvents.next();
    await h.gql(COMPLETE, { lessonId: 'web-reading' }, alice.token);
    expect((await secondForAlice).value?.data?.progressUpdated.enrollment.progressPercent).toBe(50);
    await instructorEvents.return?.();
    await aliceEvents.return?.();
  });

  it('someone neither enrolled nor teaching the course is FORBIDDEN', async () => {
    const stranger = await h.learner();
    const events = subscribe(stranger.token);
    const first = await events.next().then(
      (result) =>
        result.value?.errors?.map((error: { extensions?: { code?: string } }) => error.extensions?.code),
      (error: unknown) => (Array.isArray(error) ? error.map((e) => e.extensions?.code) : [String(error)]),
    );
    expect(first).toEqual(['FORBIDDEN']);
  });
});
