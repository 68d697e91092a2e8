/**
 * Serves the built web app (clients/web/dist) from the gateway: files with their content types,
 * hashed assets cached for a year, everything else revalidated (ETag / Last-Modified, 304), and the
 * SPA fallback — any other GET/HEAD of a path without a file extension answers index.html so
 * client-side routes survive a reload. `/graphql` is never answered here (the gateway owns it), nor
 * are source maps or paths that escape the directory.
 *
 * Text files go out brotli- or gzip-compressed as the request's Accept-Encoding prefers. The web
 * build writes a `.br` and a `.gz` beside each compressible file, so production does no compression
 * per request; a file without its sibling (a dev build, a hand-placed file) is compressed once and
 * kept in a bounded in-memory cache.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { StaticHandler } from './gateway';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.vtt': 'text/vtt; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Extensions worth compressing: text. Images and fonts here are compressed formats already
 * (PNG, JPEG, WebP, WOFF2); the web build precompresses the same list.
 */
export const COMPRESSIBLE_EXTENSIONS = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.svg',
  '.txt',
  '.vtt',
  '.webmanifest',
]);

/** Below this a compressed body saves less than the headers it adds: sent as is. */
export const MIN_COMPRESS_BYTES = 1024;

/** The content codings this handler sends, in its order of preference when the client has none. */
export type ContentCoding = 'br' | 'gzip' | 'identity';
const CODINGS: readonly ContentCoding[] = ['br', 'gzip', 'identity'];
const SIBLING_SUFFIX: Record<Exclude<ContentCoding, 'identity'>, string> = { br: '.br', gzip: '.gz' };

/**
 * The coding to answer with for an Accept-Encoding header (RFC 9110 §12.5.3): the highest q-value
 * among the codings this handler has, the server's order (br, gzip, identity) breaking ties; `*`
 * stands for every coding not named; identity is acceptable unless refused by `identity;q=0` or
 * `*;q=0`, and, unnamed, comes after every coding the client named. `null` when nothing acceptable is left (identity refused and no coding accepted).
 */
export function negotiateEncoding(header: string | undefined): ContentCoding | null {
  if (header === undefined || header.trim() === '') return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [rawName = '', ...params] = part.toLowerCase().split(';');
    const name = rawName.trim();
    if (!name) continue;
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0);
  }
  // Identity named by neither itself nor `*` is acceptable, but below any coding the client named.
  const qOf = (coding: ContentCoding) =>
    q.get(coding) ?? q.get('*') ?? (coding === 'identity' ? Number.MIN_VALUE : 0);
  let best: ContentCoding | null = null;
  for (const coding of CODINGS)
    if (qOf(coding) > 0 && (best === null || qOf(coding) > qOf(best))) best = coding;
  return best;
}

interface FileInfo {
  size: number;
  mtimeMs: number;
}

async function fileAt(path: string): Promise<FileInfo | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch {
    return null;
  }
}

/** Options of {@link createStaticHandler}. */
export interface StaticHandlerOptions {
  /** Bytes of compressed bodies kept for files that have no precompressed sibling; 32 MiB default. */
  memoryCacheBytes?: number;
}

const compressors = {
  // Quality 5, not the build's 11: this runs on a request's path, once per file, in dev.
  br: (data: Buffer) =>
    promisify(brotliCompress)(data, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length },
    }),
  gzip: (data: Buffer) => promisify(gzip)(data, { level: 6 }),
};

/**
 * Compressed bodies of files without a sibling, least recently used evicted past the byte budget;
 * keyed by path, coding, size and mtime so a rebuilt file is compressed afresh.
 */
class CompressedBodies {
  private readonly entries = new Map<string, Promise<Buffer>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(path: string, file: FileInfo, coding: 'br' | 'gzip'): Promise<Buffer> {
    const key = `${coding}\0${file.size}\0${file.mtimeMs}\0${path}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const body = readFile(path).then((data) => compressors[coding](data));
    this.entries.set(key, body);
    body.then(
      (data) => this.account(key, data.length),
      () => this.entries.delete(key),
    );
    return body;
  }

  private account(key: string, size: number): void {
    if (!this.entries.has(key)) return;
    this.sizes.set(key, size);
    this.bytes += size;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.budget || oldest === key) break;
      this.bytes -= this.sizes.get(oldest) ?? 0;
      this.sizes.delete(oldest);
      this.entries.delete(oldest);
    }
  }
}

/** A strong validator for one representation: the file's size and mtime, and the coding sent. */
const etagOf = (file: FileInfo, coding: ContentCoding) =>
  `"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}${coding === 'identity' ? '' : `-${coding}`}"`;

/** Whether the request's validators say the client's copy is current (RFC 9110 §13.1.2–13.1.3). */
function notModified(req: IncomingMessage, etag: string, mtimeMs: number): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === etag);
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/** The request handler serving `distDir` (see the module comment); false for what it leaves alone. */
export function createStaticHandler(distDir: string, options: StaticHandlerOptions = {}): StaticHandler {
  const root = resolve(distDir);
  const index = join(root, 'index.html');
  const memory = new CompressedBodies(options.memoryCacheBytes ?? 32 * 1024 * 1024);

  /** The body to send for `coding`: the build's sibling when it is current, else from memory. */
  const encodedBody = async (
    path: string,
    file: FileInfo,
    coding: 'br' | 'gzip',
  ): Promise<{ path: string; size: number } | Buffer> => {
    const siblingPath = path + SIBLING_SUFFIX[coding];
    const sibling = await fileAt(siblingPath);
    if (sibling && sibling.mtimeMs >= file.mtimeMs) return { path: siblingPath, size: sibling.size };
    return memory.get(path, file, coding);
  };

  const send = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    immutable: boolean,
  ): Promise<boolean> => {
    const file = await fileAt(path);
    if (!file) return false;
    const extension = extname(path).toLowerCase();
    const compressible = COMPRESSIBLE_EXTENSIONS.has(extension);
    const headers: OutgoingHttpHeaders = {
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'last-modified': new Date(file.mtimeMs).toUTCString(),
      'x-content-type-options': 'nosniff',
      ...(compressible ? { vary: 'Accept-Encoding' } : {}),
      ...(path === index ? { 'referrer-policy': 'same-origin', 'x-frame-options': 'DENY' } : {}),
    };
    const accepted = negotiateEncoding(req.headers['accept-encoding']);
    if (accepted === null) {
      res.writeHead(406, { 'content-type': 'text/plain; charset=utf-8', vary: 'Accept-Encoding' });
      res.end('None of the content codings in Accept-Encoding is available (br, gzip, identity).');
      return true;
    }
    const coding = compressible && file.size >= MIN_COMPRESS_BYTES ? accepted : 'identity';
    headers.etag = etagOf(file, coding);
    if (notModified(req, headers.etag, file.mtimeMs)) {
      delete headers['content-type'];
      res.writeHead(304, headers);
      res.end();
      return true;
    }

    const body = coding === 'identity' ? { path, size: file.size } : await encodedBody(path, file, coding);
    res.writeHead(200, {
      ...headers,
      'content-length': Buffer.isBuffer(body) ? body.length : body.size,
      ...(coding === 'identity' ? {} : { 'content-encoding': coding }),
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    if (Buffer.isBuffer(body)) {
      res.end(body);
      return true;
    }
    await new Promise<void>((done, fail) => {
      createReadStream(body.path).on('error', fail).pipe(res).on('finish', done).on('close', done);
    });
    return true;
  };

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return false;
    }
    if (pathname === '/graphql' || pathname.startsWith('/graphql/') || pathname.includes('\0')) return false;
    // Source maps would publish the app's sources: never served, even if a build left one behind.
    if (pathname.toLowerCase().endsWith('.map')) return false;
    const target = resolve(root, `.${pathname}`);
    if (target !== root && !target.startsWith(root + sep)) return false;
    if (extname(pathname)) return send(req, res, target, pathname.startsWith('/assets/'));
    // A client-side route such as /courses/kubernetes-basics: the app decides what to show.
    return send(req, res, index, false);
  };
}
