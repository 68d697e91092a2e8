/**
 * The static handler the gateway uses to serve the built app: content types, the SPA fallback,
 * compression negotiated by Accept-Encoding (the build's `.br`/`.gz` siblings, or compressed once in
 * memory), validators and 304s, and the requests it must leave alone (`/graphql`, writes, missing
 * files, source maps, paths escaping the root).
 */
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { createStaticHandler, negotiateEncoding } from '../src/static';

/** Big enough to be compressed, repetitive enough to shrink. */
const BUNDLE = `export const lessons = [${Array.from({ length: 400 }, (_, i) => `"lesson-${i}"`).join(',')}];\n`;
const STYLES = `${Array.from({ length: 200 }, (_, i) => `.c${i} { color: red; }`).join('\n')}\n`;
/** The precompressed sibling says so, to show it (and not a fresh compression) was sent. */
const PRECOMPRESSED = 'console.log("from the build\'s sibling")';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request without fetch's transparent decompression, so the wire bytes can be checked. */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('createStaticHandler', () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lc-web-dist-'));
    await mkdir(join(dir, 'assets'));
    await mkdir(join(dir, 'media', 'thumbnails'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'media', 'thumbnails', 'k8s.svg'), '<svg/>');
    await writeFile(join(dir, 'assets', 'index-abc123.js.map'), '{"version":3}');
    await writeFile(join(dir, 'assets', 'big-def456.js'), BUNDLE);
    await writeFile(join(dir, 'assets', 'big-def456.js.br'), brotliCompressSync(PRECOMPRESSED));
    await writeFile(join(dir, 'assets', 'big-def456.js.gz'), gzipSync(PRECOMPRESSED));
    await writeFile(join(dir, 'assets', 'styles-0a1b2c.css'), STYLES);
    await writeFile(join(dir, 'media', 'photo.png'), Buffer.alloc(4096, 7));
    // A sibling older than its file is left from an earlier build: never sent.
    await writeFile(join(dir, 'assets', 'stale-999.js'), BUNDLE);
    await writeFile(join(dir, 'assets', 'stale-999.js.br'), brotliCompressSync(PRECOMPRESSED));
    await utimes(join(dir, 'assets', 'stale-999.js.br'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const handle = createStaticHandler(dir);
    server = createServer((req, res) => {
      void Promise.resolve(handle(req, res)).then((handled) => {
        if (!handled) res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves hashed assets with their content type and a one-year immutable cache', async () => {
    const response = await fetch(`${base}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('serves other files (thumbnails) with their type and revalidation', async () => {
    const response = await fetch(`${base}/media/thumbnails/k8s.svg`);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toBe('<svg/>');
  });

  it('answers client-side routes with index.html', async () => {
    for (const path of ['/', '/courses/kubernetes-basics', '/search?q=docker']) {
      const response = await fetch(`${base}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([
        path,
        200,
        'text/html; charset=utf-8',
      ]);
      expect(await response.text()).toBe('<!doctype html><title>app</title>');
    }
  });

  it('leaves /graphql, writes, missing files and escaping paths to the caller', async () => {
    const status = async (path: string, method = 'GET') => [
      path,
      method,
      (await fetch(`${base}${path}`, { method })).status,
    ];
    expect(await status('/graphql')).toEqual(['/graphql', 'GET', 404]);
    expect(await status('/graphql?query={me{id}}')).toEqual(['/graphql?query={me{id}}', 'GET', 404]);
    expect(await status('/courses/x', 'POST')).toEqual(['/courses/x', 'POST', 404]);
    expect(await status('/assets/missing.js')).toEqual(['/assets/missing.js', 'GET', 404]);
    expect(await status('/..%2f..%2fetc%2fpasswd')).toEqual(['/..%2f..%2fetc%2fpasswd', 'GET', 404]);
    expect(await status('/assets/..%2f..%2f..%2fpackage.json')).toEqual([
      '/assets/..%2f..%2f..%2fpackage.json',
      'GET',
      404,
    ]);
  });

  it('answers HEAD with headers and no body', async () => {
    const response = await fetch(`${base}/assets/index-abc123.js`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('14');
    expect(await response.text()).toBe('');
  });

  it("sends the build's brotli or gzip sibling as Accept-Encoding prefers, with its length", async () => {
    const br = await raw(`${base}/assets/big-def456.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect([br.status, br.headers['content-encoding'], br.headers.vary]).toEqual([
      200,
      'br',
      'Accept-Encoding',
    ]);
    expect(br.headers['content-length']).toBe(String(br.body.length));
    expect(brotliDecompressSync(br.body).toString()).toBe(PRECOMPRESSED);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');

    const gzip = await raw(`${base}/assets/big-def456.js`, { 'accept-encoding': 'br;q=0.5, gzip' });
    expect([gzip.headers['content-encoding'], gzip.headers['content-length']]).toEqual([
      'gzip',
      String(gzip.body.length),
    ]);
    expect(gunzipSync(gzip.body).toString()).toBe(PRECOMPRESSED);

    const plain = await raw(`${base}/assets/big-def456.js`);
    expect([plain.headers['content-encoding'], plain.headers.vary]).toEqual([undefined, 'Accept-Encoding']);
    expect(plain.body.toString()).toBe(BUNDLE);
  });

  it('compresses a file without a sibling once, in memory, and ignores a stale sibling', async () => {
    const first = await raw(`${base}/assets/styles-0a1b2c.css`, { 'accept-encoding': 'br' });
    const second = await raw(`${base}/assets/styles-0a1b2c.css`, { 'accept-encoding': 'br' });
    expect([first.headers['content-encoding'], first.headers['content-length']]).toEqual([
      'br',
      String(first.body.length),
    ]);
    expect(first.body.length).toBeLessThan(Buffer.byteLength(STYLES) / 4);
    expect(brotliDecompressSync(first.body).toString()).toBe(STYLES);
    expect(second.body.equals(first.body)).toBe(true);

    const gzip = await raw(`${base}/assets/styles-0a1b2c.css`, { 'accept-encoding': 'gzip' });
    expect(gunzipSync(gzip.body).toString()).toBe(STYLES);

    const stale = await raw(`${base}/assets/stale-999.js`, { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(stale.body).toString()).toBe(BUNDLE);
  });

  it('leaves tiny files, images and fonts uncompressed', async () => {
    const tiny = await raw(`${base}/assets/index-abc123.js`, { 'accept-encoding': 'br, gzip' });
    expect([tiny.headers['content-encoding'], tiny.body.toString()]).toEqual([undefined, 'console.log(1)']);
    const png = await raw(`${base}/media/photo.png`, { 'accept-encoding': 'br, gzip' });
    expect([png.headers['content-encoding'], png.headers.vary, png.body.length]).toEqual([
      undefined,
      undefined,
      4096,
    ]);
  });

  it('compresses index.html on client-side routes too, and never caches it', async () => {
    await writeFile(join(dir, 'index.html'), `<!doctype html><title>app</title>${' '.repeat(2048)}`);
    try {
      const page = await raw(`${base}/courses/kubernetes-basics`, { 'accept-encoding': 'gzip' });
      expect([page.status, page.headers['content-encoding'], page.headers['cache-control']]).toEqual([
        200,
        'gzip',
        'no-cache',
      ]);
      expect(gunzipSync(page.body).toString()).toMatch(/^<!doctype html><title>app<\/title> +$/);
    } finally {
      await writeFile(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    }
  });

  it('answers HEAD of a compressed file with the compressed length and no body', async () => {
    const get = await raw(`${base}/assets/big-def456.js`, { 'accept-encoding': 'br' });
    const head = await raw(`${base}/assets/big-def456.js`, { 'accept-encoding': 'br' }, 'HEAD');
    expect([
      head.status,
      head.headers['content-encoding'],
      head.headers['content-length'],
      head.body.length,
    ]).toEqual([200, 'br', String(get.body.length), 0]);
  });

  it('answers 304 to a matching ETag or an unchanged Last-Modified, per representation', async () => {
    const first = await raw(`${base}/media/thumbnails/k8s.svg`);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    const again = await raw(`${base}/media/thumbnails/k8s.svg`, { 'if-none-match': etag });
    expect([again.status, again.body.length, again.headers.etag, again.headers['cache-control']]).toEqual([
      304,
      0,
      etag,
      'no-cache',
    ]);
    expect((await raw(`${base}/media/thumbnails/k8s.svg`, { 'if-none-match': `W/${etag}` })).status).toBe(
      304,
    );
    expect((await raw(`${base}/media/thumbnails/k8s.svg`, { 'if-none-match': '"other"' })).status).toBe(200);
    const since = await raw(`${base}/media/thumbnails/k8s.svg`, {
      'if-modified-since': first.headers['last-modified']!,
    });
    expect(since.status).toBe(304);
    expect(
      (
        await raw(`${base}/media/thumbnails/k8s.svg`, {
          'if-modified-since': 'Thu, 01 Jan 2015 00:00:00 GMT',
        })
      ).status,
    ).toBe(200);

    // The brotli body is another representation: its ETag differs, and the plain one does not match it.
    const br = await raw(`${base}/assets/big-def456.js`, { 'accept-encoding': 'br' });
    const plain = await raw(`${base}/assets/big-def456.js`);
    expect(br.headers.etag).toBe(plain.headers.etag!.replace(/"$/, '-br"'));
    expect(
      (
        await raw(`${base}/assets/big-def456.js`, {
          'accept-encoding': 'br',
          'if-none-match': plain.headers.etag!,
        })
      ).status,
    ).toBe(200);
    const revalidated = await raw(`${base}/assets/big-def456.js`, {
      'accept-encoding': 'br',
      'if-none-match': br.headers.etag!,
    });
    expect([revalidated.status, revalidated.headers.vary]).toEqual([304, 'Accept-Encoding']);
  });

  it('answers 406 when every coding it has is refused', async () => {
    for (const header of ['identity;q=0', '*;q=0', 'br;q=0, gzip;q=0, identity;q=0']) {
      const response = await raw(`${base}/assets/big-def456.js`, { 'accept-encoding': header });
      expect([header, response.status]).toEqual([header, 406]);
    }
    const gzipOnly = await raw(`${base}/assets/big-def456.js`, { 'accept-encoding': 'gzip, *;q=0' });
    expect([gzipOnly.status, gzipOnly.headers['content-encoding']]).toEqual([200, 'gzip']);
  });

  it('never serves source maps', async () => {
    for (const path of [
      '/assets/index-abc123.js.map',
      '/assets/INDEX-abc123.js.MAP',
      '/assets/missing.js.map',
    ])
      expect([path, (await raw(`${base}${path}`)).status]).toEqual([path, 404]);
  });
});

describe('negotiateEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['deflate', 'identity'],
    ['br;q=0.2, gzip;q=0.8', 'gzip'],
    ['br;q=0.8, gzip;q=0.8', 'br'],
    ['BR ; Q=1, GZIP', 'br'],
    ['*', 'br'],
    ['*;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['identity', 'identity'],
    ['identity;q=0', null],
    ['*;q=0', null],
    ['gzip;q=0, *;q=0', null],
    ['identity;q=0, gzip;q=0.1', 'gzip'],
    ['identity;q=0.9, br;q=0.5', 'identity'],
    ['br;q=nonsense, gzip', 'gzip'],
  ])('Accept-Encoding %p gets %p', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
