/**
 * Vite build of the web app. The GraphQL endpoint defaults to the same origin (`/graphql`, served
 * by the gateway next to these files); VITE_GRAPHQL_URL overrides it at build time. In `npm run
 * dev` the dev server proxies /graphql (HTTP and WebSocket) to the gateway on port 4000.
 *
 * Production builds carry no source maps (they would publish the sources), and every text file of
 * dist/ gets a brotli (`.br`) and a gzip (`.gz`) sibling, which the gateway's static handler sends
 * by the request's Accept-Encoding: compression happens once, at build time, at the highest levels.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { defineConfig, type Plugin, type Rollup } from 'vite';
import react from '@vitejs/plugin-react';

/** What gateway/src/static.ts compresses (COMPRESSIBLE_EXTENSIONS, MIN_COMPRESS_BYTES): text. */
const COMPRESSIBLE = new Set([
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
const MIN_COMPRESS_BYTES = 1024;

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesBelow(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}

/**
 * Writes `<file>.br` (quality 11) and `<file>.gz` (level 9) beside each text file of the build. A
 * dozen lines of node:zlib rather than a plugin dependency: the handler's rule (which files, how
 * small is too small) must match, and zlib has both codings built in.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'learncraft:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const files = (await filesBelow(outDir)).filter((file) => COMPRESSIBLE.has(extname(file)));
      await Promise.all(
        files.map(async (file) => {
          if ((await stat(file)).size < MIN_COMPRESS_BYTES) return;
          const data = await readFile(file);
          const [br, gz] = await Promise.all([
            promisify(brotliCompress)(data, {
              params: {
                [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
                [zlib.BROTLI_PARAM_SIZE_HINT]: data.length,
              },
            }),
            promisify(gzip)(data, { level: 9 }),
          ]);
          await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
        }),
      );
    },
  };
}

/**
 * Pages whose code a cold load of their address fetches at once, beside the entry chunk, rather
 * than after it has run and React.lazy asked for it (one round trip later; on a phone network that
 * is most of a second). Keep in step with the routes in src/App.tsx.
 */
const ROUTE_PRELOADS: { path: RegExp; page: string }[] = [
  { path: /^\/courses\/[^/]+\/?$/, page: 'src/pages/CoursePage.tsx' },
  { path: /^\/courses\/[^/]+\/lessons\/[^/]+\/?$/, page: 'src/pages/LessonPage.tsx' },
  { path: /^\/$/, page: 'src/pages/HomePage.tsx' },
  { path: /^\/search\/?$/, page: 'src/pages/SearchPage.tsx' },
  { path: /^\/dashboard\/?$/, page: 'src/pages/DashboardPage.tsx' },
];

/**
 * The course page's query as the app sends it (by persisted id, src/apollo.ts), for a signed-out
 * visitor's cold load to send from index.html itself: its answer then arrives while the app's code
 * is still downloading (src/routeData.ts writes it into the cache). Signed-in visitors (a refresh
 * token stored) are left to the app, whose first request renews their session.
 */
function earlyCourseQuery(root: string, env: Record<string, string>) {
  const manifest = JSON.parse(
    readFileSync(resolve(root, '../operations/src/generated/persisted-documents.json'), 'utf8'),
  ) as Record<string, string>;
  const id = Object.keys(manifest).find((key) => /^query CoursePage\(/.test(manifest[key]!));
  if (!id) return '';
  const url = JSON.stringify(env.VITE_GRAPHQL_URL || '/graphql');
  const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: id } });
  return (
    `const c=/^\\/courses\\/([^/]+)\\/?$/.exec(location.pathname);` +
    `if(c&&localStorage.getItem('learncraft.refreshToken')===null){const slug=decodeURIComponent(c[1]);` +
    `window.__learncraftEarly={slug,response:fetch(${url},{method:'POST',headers:{'content-type':'application/json','apollographql-client-name':'learncraft-web'},` +
    `body:JSON.stringify({operationName:'CoursePage',variables:{slug},extensions:${extensions}})}).then(r=>r.ok?r.json():null).catch(()=>null)}}`
  );
}

/**
 * Adds to index.html, before its stylesheet (a classic script waits for the stylesheets above it),
 * a small inline script that matches the address against ROUTE_PRELOADS and adds
 * `<link rel="modulepreload">` for that page's chunk and the chunks it imports (those the entry
 * already loads excepted), so they download in parallel with the entry chunk; and that sends the
 * course page's query early (earlyCourseQuery).
 */
function routePreloads(): Plugin {
  let root = '.';
  let env: Record<string, string> = {};
  return {
    name: 'learncraft:route-preloads',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      env = config.env;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        if (!bundle) return html;
        const chunks = Object.values(bundle).filter(
          (file): file is Rollup.OutputChunk => file.type === 'chunk',
        );
        const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
        const closure = (start: Rollup.OutputChunk[]) => {
          const seen = new Set<string>();
          const visit = (chunk: Rollup.OutputChunk) => {
            if (seen.has(chunk.fileName)) return;
            seen.add(chunk.fileName);
            for (const file of chunk.imports) if (byFile.has(file)) visit(byFile.get(file)!);
          };
          start.forEach(visit);
          return seen;
        };
        const loadedByEntry = closure(chunks.filter((chunk) => chunk.isEntry));
        const routes = ROUTE_PRELOADS.flatMap(({ path, page }) => {
          const chunk = chunks.find((candidate) => candidate.facadeModuleId?.endsWith(`/${page}`));
          if (!chunk) return [];
          const files = [...closure([chunk])].filter((file) => !loadedByEntry.has(file));
          return [[path.source, files.map((file) => `/${file}`)] as const];
        });
        const preload = `for(const[p,f]of ${JSON.stringify(routes)})if(new RegExp(p).test(location.pathname)){for(const h of f){const l=document.createElement('link');l.rel='modulepreload';l.crossOrigin='';l.href=h;document.head.appendChild(l)}break}`;
        const script = `<script>{${preload}}{${earlyCourseQuery(root, env)}}</script>`;
        return html.replace('</title>', `</title>\n    ${script}`);
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), routePreloads(), precompress()],
  server: {
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // Code every page uses (Apollo's hooks, the small shared components) in two chunks the entry
        // loads, not a dozen of a few hundred bytes each: on HTTP/1.1 the browser opens six
        // connections, and each extra request of a cold load on a phone network waits its turn.
        codeSplitting: {
          groups: [
            {
              name: 'apollo',
              test: /node_modules[\\/](@apollo|@wry|optimism|graphql|zen-observable-ts|ts-invariant|rehackt|tslib)[\\/]/,
            },
            {
              name: 'common',
              test: /src[\\/](components[\\/](ErrorState|Skeleton|ProgressBar|PurchaseActions)|lib[\\/]useTitle)\.tsx?$/,
            },
          ],
        },
      },
    },
  },
});
