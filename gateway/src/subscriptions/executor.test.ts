import { readFileSync } from 'node:fs';
import { parse, type GraphQLError } from 'graphql';
import { createLogger, Metrics } from '@learncraft/kit';
import { DEFAULT_SUPERGRAPH_PATH } from '../config';
import { federatedSubscription, type ExecutorDeps } from './executor';
import { SubscriptionPlanner } from './planner';
import type { UpstreamListener } from './upstream';

const planner = new SubscriptionPlanner(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'));
const document = parse('subscription ($id: ID!) { progressUpdated(courseId: $id) { kind at } }');

function setup(queueLimit: number) {
  const listeners: UpstreamListener[] = [];
  let unsubscribed = 0;
  const metrics = new Metrics();
  const deps: ExecutorDeps = {
    planner,
    hub: {
      subscribe: (_request, listener) => {
        listeners.push(listener);
        return () => void (unsubscribed += 1);
      },
    },
    serviceMap: {},
    logger: createLogger('test', 'silent'),
    metrics,
    queueLimit,
  };
  const iterator = federatedSubscription(deps, {
    document,
    variables: { id: 'c1' },
    subject: 'u1',
    authorization: null,
    dataSourceContext: {},
  });
  const emit = (n: number) =>
    listeners[0]!.next({
      data: { progressUpdated: { kind: 'VIDEO_PROGRESS', at: `2026-01-01T00:00:0${n}.000Z` } },
    });
  return { iterator, emit, metrics, listeners, unsubscribed: () => unsubscribed };
}

describe('a federated subscription', () => {
  it('delivers upstream events in order, shaped by the client operation', async () => {
    const { iterator, emit } = setup(10);
    emit(1);
    emit(2);
    expect((await iterator.next()).value).toEqual({
      data: { progressUpdated: { kind: 'VIDEO_PROGRESS', at: '2026-01-01T00:00:01.000Z' } },
    });
    expect((await iterator.next()).value?.data?.progressUpdated).toEqual({
      kind: 'VIDEO_PROGRESS',
      at: '2026-01-01T00:00:02.000Z',
    });
  });

  it('drops the oldest pending events past its queue limit and counts them', async () => {
    const { iterator, emit, metrics } = setup(2);
    for (const n of [1, 2, 3, 4]) emit(n);
    expect(metrics.get('subscription_events_dropped_total')).toBe(2);
    expect((await iterator.next()).value?.data?.progressUpdated.at).toBe('2026-01-01T00:00:03.000Z');
    expect((await iterator.next()).value?.data?.progressUpdated.at).toBe('2026-01-01T00:00:04.000Z');
  });

  it('leaves the upstream stream at once when the client leaves while waiting for an event', async () => {
    const { iterator, unsubscribed } = setup(10);
    const pending = iterator.next();
    await iterator.return!();
    expect(unsubscribed()).toBe(1);
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('ends with one SERVICE_UNAVAILABLE error naming the subgraph when the upstream fails', async () => {
    const { iterator, listeners } = setup(10);
    listeners[0]!.error(new Error('Subgraph progress is unavailable.'));
    const { value } = await iterator.next();
    expect(
      value?.errors?.map((error: GraphQLError) => ({ message: error.message, extensions: error.extensions })),
    ).toEqual([
      {
        message: 'Subgraph progress is unavailable.',
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'progress' },
      },
    ]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});
