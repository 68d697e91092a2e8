/**
 * The partner docs at `/docs`: the guides (docs/partners/*.md) and the API reference generated from
 * the public schema (schema/api.graphql). The sources are read when the gateway starts (a missing
 * file fails the start); the page is rendered on its first request (a few hundred ms that every
 * gateway start in the test suites would otherwise pay) and kept in memory, so nothing generated is
 * ever written or committed. `/docs/schema.graphql` serves the schema file byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSchema } from 'graphql';
import { ConfigError } from '@learncraft/kit';
import { renderMarkdown } from './markdown';
import { DOCS_CSP, renderPage, type Guide } from './page';
import { renderReference } from './reference';

/** The guides' reading order; any other guide in the folder follows, by file name. */
export const GUIDE_ORDER = [
  'getting-started',
  'authentication',
  'organizations',
  'webhooks',
  'pagination',
  'errors',
  'limits',
  'deprecation',
];

export interface DocsSite {
  /** The page, rendered on first use. */
  html(): string;
  readonly schemaSdl: string;
  /** Answers `/docs`, `/docs/` and `/docs/schema.graphql` (GET and HEAD); false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

export interface DocsSources {
  apiSchemaPath: string;
  guidesDir: string;
}

function readSource(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the ${what} at ${path} (${(error as Error).message}).`);
  }
}

interface GuideSource {
  slug: string;
  markdown: string;
}

function readGuides(guidesDir: string): GuideSource[] {
  let files: string[];
  try {
    files = readdirSync(guidesDir).filter((name) => name.endsWith('.md'));
  } catch (error) {
    throw new ConfigError(`Cannot read the partner guides in ${guidesDir} (${(error as Error).message}).`);
  }
  const rank = (name: string) => {
    const position = GUIDE_ORDER.indexOf(basename(name, '.md'));
    return position < 0 ? GUIDE_ORDER.length : position;
  };
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return files.map((file) => ({
    slug: basename(file, '.md'),
    markdown: readSource(join(guidesDir, file), 'guide'),
  }));
}

function renderGuide({ slug, markdown }: GuideSource): Guide {
  const id = `guide-${slug}`;
  const { html, title } = renderMarkdown(markdown, { shift: 2, idPrefix: id });
  return { id, title: title ?? slug, html };
}

/** The guides in reading order, rendered (their `#` headings become the page's `<h3>`s). */
export const loadGuides = (guidesDir: string): Guide[] => readGuides(guidesDir).map(renderGuide);

interface Compressible {
  plain: Buffer;
  gzipped(): Buffer;
}

/** A response body and its gzip form, compressed once on first use. */
function compressible(plain: Buffer): Compressible {
  let gzipped: Buffer | undefined;
  return { plain, gzipped: () => (gzipped ??= gzipSync(plain)) };
}

export function createDocsSite(sources: DocsSources): DocsSite {
  const schemaSdl = readSource(sources.apiSchemaPath, 'API schema');
  const guides = readGuides(sources.guidesDir);
  const sdl = compressible(Buffer.from(schemaSdl));
  let page: Compressible | undefined;
  const rendered = (): Compressible =>
    (page ??= compressible(
      Buffer.from(renderPage(guides.map(renderGuide), renderReference(buildSchema(schemaSdl)))),
    ));

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    file: Compressible,
    headers: Record<string, string>,
  ) => {
    // The page is about 240 KB and gzips to about 40 KB: worth it on a phone's connection.
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? file.gzipped() : file.plain;
    res.writeHead(200, {
      ...headers,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      vary: 'accept-encoding',
      'content-length': String(body.length),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return {
    html: () => rendered().plain.toString('utf8'),
    schemaSdl,
    handle(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (path === '/docs' || path === '/docs/') {
        send(req, res, rendered(), {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': DOCS_CSP,
          'referrer-policy': 'same-origin',
          'x-frame-options': 'DENY',
        });
        return true;
      }
      if (path === '/docs/schema.graphql') {
        send(req, res, sdl, {
          'content-type': 'text/plain; charset=utf-8',
          'content-disposition': 'inline; filename="learncraft-api.graphql"',
        });
        return true;
      }
      return false;
    },
  };
}
