import { GraphQLError } from 'graphql';
import { CircuitOpenError, SubgraphBreaker, isSubgraphFailure } from './breaker';

const answered = (status: number) =>
  new GraphQLError('subgraph answered', { extensions: { response: { status, body: {} } } });
const refused = () =>
  new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
const timedOut = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

describe('isSubgraphFailure', () => {
  it.each<[string, unknown]>([
    ['a refused connection', refused()],
    ['a timeout', timedOut()],
    ['an HTTP 502', answered(502)],
    ['an HTTP 500', answered(500)],
    ['a body that is not JSON', new SyntaxError('Unexpected token < in JSON')],
    ['a JSON body that is not an object', new Error('Expected JSON response body, but received: 1')],
  ])('counts %s as a subgraph failure', (_name, error) => {
    expect(isSubgraphFailure(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an HTTP 401 from the subgraph auth', answered(401)],
    ['an HTTP 403 from the subgraph auth', answered(403)],
    ['an HTTP 400 validation answer', answered(400)],
    ['an error of the gateway itself', new Error('Missing query')],
  ])('does not count %s as a subgraph failure', (_name, error) => {
    expect(isSubgraphFailure(error)).toBe(false);
  });
});

describe('SubgraphBreaker', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const settings = { failureThreshold: 3, halfOpenAfterMs: 10_000 };
  const fail = (breaker: SubgraphBreaker, error: Error = refused()) =>
    breaker.execute(() => Promise.reject(error)).catch((caught: unknown) => caught);

  it('opens after the threshold of consecutive failures and then rejects without calling the subgraph', async () => {
    const breaker = new SubgraphBreaker(settings);
    for (let i = 0; i < 3; i++) expect(await fail(breaker)).toBeInstanceOf(TypeError);
    expect(breaker.state).toBe('open');
    const request = jest.fn(() => Promise.resolve('ok'));
    await expect(breaker.execute(request)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(request).not.toHaveBeenCalled();
  });

  it('starts counting again after a success', async () => {
    const breaker = new SubgraphBreaker(settings);
    await fail(breaker);
    await fail(breaker);
    await expect(breaker.execute(() => Promise.resolve('ok'))).resolves.toBe('ok');
    await fail(breaker);
    await fail(breaker);
    expect(breaker.state).toBe('closed');
  });

  it('never opens on 401, 403 or 400 answers, which pass through unchanged', async () => {
    const breaker = new SubgraphBreaker(settings);
    for (const status of [401, 403, 400, 401, 403, 400]) {
      const error = answered(status);
      expect(await fail(breaker, error)).toBe(error);
    }
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after the delay, fails fast while it runs, and closes when it succeeds', async () => {
    const breaker = new SubgraphBreaker(settings);
    for (let i = 0; i < 3; i++) await fail(breaker);
    jest.advanceTimersByTime(9_999);
    await expect(breaker.execute(() => Promise.resolve('early'))).rejects.toBeInstanceOf(CircuitOpenError);

    jest.advanceTimersByTime(1);
    let answer: (value: string) => void = () => undefined;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (answer = resolve)));
    expect(breaker.state).toBe('half-open');
    const other = jest.fn(() => Promise.resolve('other'));
    await expect(breaker.execute(other)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(other).not.toHaveBeenCalled();

    answer('probed');
    await expect(probe).resolves.toBe('probed');
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(() => Promise.resolve('after'))).resolves.toBe('after');
  });

  it('opens again for another delay when the probe fails', async () => {
    const breaker = new SubgraphBreaker(settings);
    for (let i = 0; i < 3; i++) await fail(breaker);
    jest.advanceTimersByTime(10_000);
    expect(await fail(breaker, timedOut())).toBeInstanceOf(DOMException);
    expect(breaker.state).toBe('open');
    jest.advanceTimersByTime(9_999);
    expect(await fail(breaker)).toBeInstanceOf(CircuitOpenError);
  });

  it('reports every state change', async () => {
    const breaker = new SubgraphBreaker(settings);
    const states: string[] = [];
    breaker.onStateChange((state) => states.push(state));
    for (let i = 0; i < 3; i++) await fail(breaker);
    jest.advanceTimersByTime(10_000);
    await breaker.execute(() => Promise.resolve('ok'));
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });
});
