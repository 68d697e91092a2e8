/**
 * Serves the built web app (clients/web/dist) from the gateway: files with their content types,
 * hashed assets cached for a year, and the SPA fallback — any other GET/HEAD of a path without a
 * file extension answers index.html so client-side routes survive a reload. `/graphql` is never
 * answered here (the gateway owns it), nor are paths that escape the directory.
 *
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { StaticHandler } from './gateway';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
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

async function fileAt(path: string): Promise<{ size: number } | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { size: info.size } : null;
  } catch {
    return null;
  }
}

export function createStaticHandler(distDir: string): StaticHandler {
  const root = resolve(distDir);
  const index = join(root, 'index.html');

  const send = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    immutable: boolean,
  ): Promise<boolean> => {
    const file = await fileAt(path);
    if (!file) return false;
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'content-length': file.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(path === index ? { 'referrer-policy': 'same-origin', 'x-frame-options': 'DENY' } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((done, fail) => {
      createReadStream(path).on('error', fail).pipe(res).on('finish', done).on('close', done);
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
    const target = resolve(root, `.${pathname}`);
    if (target !== root && !target.startsWith(root + sep)) return false;
    if (extname(pathname)) return send(req, res, target, pathname.startsWith('/assets/'));
    // A client-side route such as /courses/kubernetes-basics: the app decides what to show.
    return send(req, res, index, false);
  };
}
