import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, currentRequestId, requestIdHeaders, runWithRequestId, type LogLevel } from '../src';

/** A pino destination that keeps every line, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createLogger', () => {
  it('writes one JSON object per event with service, component, message and fields', () => {
    const { lines, stream } = capture();
    const logger = createLogger('catalog', 'info', stream);
    logger.info('course published', { courseId: 'c1' });
    logger.child('search').child('index').warn('slow rebuild', { ms: 1200 });
    expect(lines.map(({ time: _time, ...line }) => line)).toEqual([
      { level: 'info', service: 'catalog', courseId: 'c1', msg: 'course published' },
      { level: 'warn', service: 'catalog', component: 'search:index', ms: 1200, msg: 'slow rebuild' },
    ]);
    const time = String(lines[0]?.time);
    expect(new Date(time).toISOString()).toBe(time);
  });

  it.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['silent', []],
  ])('at level %s writes %j', (level, written) => {
    const { lines, stream } = capture();
    const logger = createLogger('identity', level, stream);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((line) => line.level)).toEqual(written);
  });

  it('serialises an error field with its type, message and stack', () => {
    const { lines, stream } = capture();
    createLogger('progress', 'info', stream).error('request failed', { error: new TypeError('bad input') });
    const error = lines[0]?.error as Record<string, unknown>;
    expect({ type: error.type, message: error.message }).toEqual({ type: 'TypeError', message: 'bad input' });
    expect(String(error.stack)).toContain('TypeError: bad input');
  });
});

describe('request ids', () => {
  const { lines, stream } = capture();
  const logger = createLogger('kit-test', 'info', stream);
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      void runWithRequestId(req, res, req.headers['x-trusted'] === 'yes', async () => {
        await new Promise((done) => setImmediate(done)); // the id survives async hops
        logger.child('handler').info('handled');
        res.end(JSON.stringify({ inside: currentRequestId(), forwarded: requestIdHeaders() }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  async function call(headers: Record<string, string>) {
    lines.length = 0;
    const response = await fetch(url, { headers });
    const body = (await response.json()) as { inside: string; forwarded: Record<string, string> };
    return {
      header: response.headers.get('x-request-id'),
      body,
      logged: lines.map((line) => line.requestId),
    };
  }

  it('keeps a well-formed id from a trusted sender, echoes it, logs it and forwards it', async () => {
    const id = 'gw-3f2a9c41-request';
    expect(await call({ 'x-request-id': id, 'x-trusted': 'yes' })).toEqual({
      header: id,
      body: { inside: id, forwarded: { 'x-request-id': id } },
      logged: [id],
    });
  });

  it('replaces a malformed id from a trusted sender with a new one', async () => {
    const result = await call({ 'x-request-id': 'bad id "quoted"', 'x-trusted': 'yes' });
    expect(result.header).toMatch(UUID);
    expect(result).toEqual({
      header: result.header,
      body: { inside: result.header, forwarded: { 'x-request-id': result.header } },
      logged: [result.header],
    });
  });

  it('ignores the id of an untrusted sender', async () => {
    const result = await call({ 'x-request-id': 'chosen-by-the-caller' });
    expect(result.header).toMatch(UUID);
    expect(result.body.inside).toBe(result.header);
  });

  it('adds no request id outside a request', () => {
    lines.length = 0;
    logger.info('boot');
    expect(lines.map((line) => line.requestId)).toEqual([undefined]);
    expect(requestIdHeaders()).toEqual({});
  });
});
