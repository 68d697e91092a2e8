/**
 * The static handler the gateway uses to serve the built app: content types, the SPA fallback, and
 * the requests it must leave alone (`/graphql`, writes, missing files, paths escaping the root).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStaticHandler } from '../src/static';

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
});
