/**
 * In-flight deduplication (DEDUPLICATE_IN_FLIGHT): identical credential-free queries executing at
 * once reach the subgraph once and all get the same answer; credentials, mutations and the
 * per-caller `rateLimit` are never shared, and the feature is off by default.
 */
import { shareableOperation } from '../src/execution/dedup';
import {
  USERS_SDL,
  composeSupergraph,
  createKeys,
  mintToken,
  postGraphQL,
  startRawServer,
  startTestGateway,
  type Keys,
} from './support';

const ANSWER = { data: { users: [{ id: 'u1', name: 'Ada' }] } };

describe('in-flight deduplication', () => {
  let keys: Keys;
  let subgraph: { url: string; close(): Promise<void> };
  let subgraphRequests = 0;
  let supergraphSdl: string;

  beforeAll(async () => {
    keys = await createKeys();
    // Answers after a while, so concurrent requests overlap.
    subgraph = await startRawServer((res) => {
      subgraphRequests++;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ANSWER));
      }, 150);
    });
    supergraphSdl = composeSupergraph([{ name: 'users', url: subgraph.url, sdl: USERS_SDL }]);
  });
  afterAll(() => subgraph.close());
  beforeEach(() => {
    subgraphRequests = 0;
  });

  const burst = (url: string, headers: Record<string, string> = {}) =>
    Promise.all(
      Array.from({ length: 5 }, () => postGraphQL(url, { query: '{ users { id name } }' }, headers)),
    );

  it('shares one execution among identical anonymous queries in flight', async () => {
    const gateway = await startTestGateway(supergraphSdl, keys, { DEDUPLICATE_IN_FLIGHT: 'true' });
    try {
      const replies = await burst(gateway.url);
      expect(replies.map((reply) => [reply.status, reply.body])).toEqual(
        Array.from({ length: 5 }, () => [200, ANSWER]),
      );
      expect(subgraphRequests).toBe(1);
      expect(await gateway.metrics.render()).toMatch(/graphql_requests_deduplicated_total 4\b/);
      // Once settled, nothing is kept: the next request executes again.
      await postGraphQL(gateway.url, { query: '{ users { id name } }' });
      expect(subgraphRequests).toBe(2);
    } finally {
      await gateway.close();
    }
  });

  it('executes every request that carries a credential', async () => {
    const gateway = await startTestGateway(supergraphSdl, keys, { DEDUPLICATE_IN_FLIGHT: 'true' });
    try {
      const token = await mintToken(keys.privateKey, 'u1');
      const replies = await burst(gateway.url, { authorization: `Bearer ${token}` });
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
      expect(subgraphRequests).toBe(5);
    } finally {
      await gateway.close();
    }
  });

  it('is off by default', async () => {
    const gateway = await startTestGateway(supergraphSdl, keys);
    try {
      const replies = await burst(gateway.url);
      expect(replies.map((reply) => reply.body)).toEqual(Array.from({ length: 5 }, () => ANSWER));
      expect(subgraphRequests).toBe(5);
    } finally {
      await gateway.close();
    }
  });

  it('shares only queries that are the same for every caller', () => {
    expect(shareableOperation('{ users { id } }', undefined)).toBe(true);
    expect(shareableOperation('query A { users { id } } mutation B { x }', 'A')).toBe(true);
    expect(shareableOperation('query A { users { id } } mutation B { x }', 'B')).toBe(false);
    expect(shareableOperation('query A { users { id } } query B { users { id } }', undefined)).toBe(false);
    expect(shareableOperation('mutation { x }', undefined)).toBe(false);
    expect(shareableOperation('subscription { x }', undefined)).toBe(false);
    expect(shareableOperation('{ rateLimit { remaining } }', undefined)).toBe(false);
    expect(shareableOperation('{ users { ', undefined)).toBe(false);
  });
});
