import { parse, Kind, type OperationDefinitionNode } from 'graphql';
import { HeaderMap } from '@apollo/server';
import { decodeRateLimitStatus, encodeRateLimitStatus } from '@learncraft/kit';
import { CostRateLimiter } from '../src/rateLimit/limiter';
import { RateLimitGate, type RateLimitedContext } from '../src/rateLimit/gate';

const budget = { pointsPerHour: 10, pointsPerMinute: 10, maxConcurrent: 1 };
const operation = (source: string): OperationDefinitionNode => {
  const definition = parse(source).definitions[0];
  if (definition?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not an operation');
  return definition;
};
const anonymous = (): RateLimitedContext => ({ viewer: null, clientAddress: '192.0.2.1', rateLimit: null });

describe('RateLimitGate', () => {
  let gate: RateLimitGate;
  beforeEach(async () => {
    const limiter = await CostRateLimiter.create({
      budgets: { apiKey: budget, user: budget, address: budget },
      keyPrefix: `gate-test-${Math.random()}:`,
    });
    gate = new RateLimitGate(limiter, 1_000);
  });
  afterEach(() => gate.close());

  it('puts the figures on the context and the x-ratelimit headers on the response, then frees the slot', async () => {
    const context = anonymous();
    await gate.charge(context, operation('{ me { id } }'), 2_500);
    expect(context.rateLimit).toMatchObject({ cost: 3, limit: 10, remaining: 7, used: 3 });
    expect(gate.limiter.inFlightOf({ kind: 'address', address: '192.0.2.1' })).toBe(1);
    const headers = new HeaderMap();
    gate.settle(context, headers);
    expect(headers.get('x-ratelimit-remaining')).toBe('7');
    expect(headers.get('x-ratelimit-used')).toBe('3');
    expect(gate.limiter.inFlightOf({ kind: 'address', address: '192.0.2.1' })).toBe(0);
  });

  it('frees the slot of a charge that finishes after its response already left', async () => {
    const context = anonymous();
    const charging = gate.charge(context, operation('{ me { id } }'), 1);
    gate.settle(context, new HeaderMap()); // another plugin refused the request meanwhile
    await charging;
    expect(gate.limiter.inFlightOf({ kind: 'address', address: '192.0.2.1' })).toBe(0);
  });

  it('throws RATE_LIMITED with HTTP 429 and retry-after once the budget is spent', async () => {
    const spender = anonymous();
    await gate.charge(spender, operation('{ me { id } }'), 9_000);
    gate.settle(spender, new HeaderMap());
    const refused = anonymous();
    const error = await gate
      .charge(refused, operation('{ me { id } }'), 2_000)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      message: expect.stringMatching(/^The hourly rate limit is spent; it resets in \d+ s\.$/),
      extensions: { code: 'RATE_LIMITED', limit: 'hour', cost: 2, http: { status: 429 } },
    });
    expect(refused.rateLimit).toBeNull();
  });

  it('charges nothing for a subscription sent over HTTP (it is refused there)', async () => {
    const context = anonymous();
    await gate.charge(context, operation('subscription { progressUpdated(courseId: "c") { kind } }'), 5_000);
    expect(context.rateLimit).toBeNull();
  });
});

describe('the forwarded rate-limit header', () => {
  it('round-trips the figures and rejects anything the gateway would not write', () => {
    const status = { cost: 1, limit: 5000, remaining: 4999, used: 1, resetAt: '2026-12-01T18:00:00.000Z' };
    expect(decodeRateLimitStatus(encodeRateLimitStatus(status))).toEqual(status);
    expect(decodeRateLimitStatus(undefined)).toBeNull();
    expect(decodeRateLimitStatus('not json')).toBeNull();
    expect(decodeRateLimitStatus(JSON.stringify({ ...status, remaining: -1 }))).toBeNull();
    expect(decodeRateLimitStatus([encodeRateLimitStatus(status)])).toBeNull();
  });
});
