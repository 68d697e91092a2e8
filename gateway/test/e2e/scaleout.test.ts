/**
 * Scale-out: two progress replicas and two gateways share the real PostgreSQL and Redis. A
 * mutation sent through gateway A (served by replica 1) reaches a subscriber on gateway B, whose
 * upstream stream lives on replica 2.
 */
import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { progressTopic } from '@learncraft/progress';
import { startPlatform, type Platform } from './platform';
import { connect, waitFor, type TestClient } from './wsClient';

describe('two gateways and two progress replicas over Redis', () => {
  let platform: Platform;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ flavour: 'postgres', pubsub: 'redis' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await platform?.close();
  });

  it('delivers a mutation made through gateway A to a subscriber on gateway B', async () => {
    const replica = await platform.startProgressReplica();
    const gatewayB = await platform.startGateway({ urls: { PROGRESS_URL: replica.url } });
    const learner = DEMO_ACCOUNTS.find((account) => account.email === 'learner@learncraft.dev')!;
    const token = await platform.login(learner.email, learner.password);
    const course = await platform.graphql(
      `{ course(slug: "docker-for-developers") { id modules { lessons { id kind title } } } }`,
    );
    const courseId: string = course.data?.course.id;
    const reading = course.data?.course.modules
      .flatMap((module: { lessons: { id: string; kind: string; title: string }[] }) => module.lessons)
      .find((lesson: { kind: string }) => lesson.kind === 'READING');
    await platform.graphql(
      `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }`,
      { id: courseId },
      token,
    );

    const client = connect(gatewayB.url, token);
    clients.push(client);
    const subscription = client.subscribe(
      `subscription ($id: ID!) { progressUpdated(courseId: $id) { kind lesson { title } enrollment { user { displayName } } } }`,
      { id: courseId },
    );
    await waitFor(
      () => replica.pubsub.subscriberCount(progressTopic(courseId)) === 1,
      10_000,
      'subscriber on replica 2',
    );
    expect(platform.progressPubSub.subscriberCount(progressTopic(courseId))).toBe(0);

    const done = await platform.graphql(
      `mutation ($id: ID!) { lessonComplete(input: { lessonId: $id }) { userErrors { code } } }`,
      { id: reading.id },
      token,
    );
    expect(done.data?.lessonComplete.userErrors).toEqual([]);
    expect(await subscription.next()).toEqual({
      data: {
        progressUpdated: {
          kind: 'LESSON_COMPLETED',
          lesson: { title: reading.title },
          enrollment: { user: { displayName: 'Lee Learner' } },
        },
      },
    });
  });
});
