/**
 * `npm run bench:mobile`: how much JavaScript the app ships. Exports the app as `expo export` does
 * for a release (minified, no source maps) and prints, per platform, the bundle's size raw and
 * gzipped (what a web server or an over-the-air update sends):
 *  - web: the JS bundle(s) react-native-web runs in the browser;
 *  - android and ios: the Hermes bytecode bundle the app loads (`.hbc`), and the minified JS before
 *    Hermes compiled it (`--no-bytecode`).
 * Then what the web bundle is made of: its bytes per npm package (and per workspace folder),
 * attributed through the source map of one more web export (`--source-maps`).
 * Each export goes to a temporary directory, removed afterwards; the Metro cache is kept, so a
 * second run mostly measures the same bundles faster. Asserts nothing.
 */
import { readdirSync, readFileSync, rmSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { expoExport, type ExportPlatform } from '../test/integration/webExport';

interface Row {
  platform: ExportPlatform;
  kind: string;
  files: number;
  modules: string;
  raw: number;
  gzip: number;
  seconds: number;
}

const EXPORTS: { platform: ExportPlatform; bytecode: boolean; kind: string; extension: string }[] = [
  { platform: 'web', bytecode: true, kind: 'JS (react-native-web)', extension: '.js' },
  { platform: 'android', bytecode: true, kind: 'Hermes bytecode', extension: '.hbc' },
  { platform: 'android', bytecode: false, kind: 'JS before Hermes', extension: '.js' },
  { platform: 'ios', bytecode: true, kind: 'Hermes bytecode', extension: '.hbc' },
  { platform: 'ios', bytecode: false, kind: 'JS before Hermes', extension: '.js' },
];

function filesBelow(path: string): string[] {
  return statSync(path).isDirectory()
    ? readdirSync(path).flatMap((name) => filesBelow(join(path, name)))
    : [path];
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function measure(entry: (typeof EXPORTS)[number]): Row {
  const dir = mkdtempSync(join(tmpdir(), `lc-bundle-${entry.platform}-`));
  try {
    const startedAt = performance.now();
    const output = expoExport(entry.platform, dir, { bytecode: entry.bytecode });
    const seconds = (performance.now() - startedAt) / 1000;
    const bundles = filesBelow(join(dir, '_expo', 'static', 'js', entry.platform)).filter((file) =>
      file.endsWith(entry.extension),
    );
    if (bundles.length === 0)
      throw new Error(`no ${entry.extension} bundle in the ${entry.platform} export:\n${output}`);
    const contents = bundles.map((file) => readFileSync(file));
    // Metro prints "<Platform> Bundled 1234ms clients/mobile/index.ts (564 modules)".
    const modules = /\((\d+) modules\)/.exec(output)?.[1] ?? '?';
    return {
      platform: entry.platform,
      kind: entry.kind,
      files: bundles.length,
      modules,
      raw: contents.reduce((sum, content) => sum + content.length, 0),
      gzip: contents.reduce((sum, content) => sum + gzipSync(content).length, 0),
      seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The generated column and source index of every segment of a source map's `mappings`, per line. */
function decodeMappings(mappings: string): { column: number; source: number }[][] {
  let source = 0;
  return mappings.split(';').map((line) => {
    let column = 0;
    return line
      .split(',')
      .filter((segment) => segment !== '')
      .map((segment) => {
        const fields: number[] = [];
        let value = 0;
        let shift = 0;
        for (const char of segment) {
          const digit = BASE64.indexOf(char);
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        column += fields[0] ?? 0;
        if (fields.length > 1) source += fields[1] ?? 0;
        return { column, source: fields.length > 1 ? source : -1 };
      });
  });
}

/** `node_modules/@scope/name/…` → `@scope/name`; a workspace file → its folder (`clients/operations/src`). */
function owner(path: string): string {
  const parts = path.replace(/^\/+/, '').split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0)
    return parts[at + 1]?.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : (parts[at + 1] ?? path);
  if (parts[0] === 'clients')
    return parts.slice(0, parts[2] === 'src' && parts[3] === 'generated' ? 4 : 3).join('/');
  return '(Metro runtime and polyfills)';
}

/** Bytes of the web bundle per package, largest first. */
function webComposition(): { owner: string; bytes: number }[] {
  const dir = mkdtempSync(join(tmpdir(), 'lc-bundle-web-map-'));
  try {
    expoExport('web', dir, { sourceMaps: true });
    const bundleDir = join(dir, '_expo', 'static', 'js', 'web');
    const totals = new Map<string, number>();
    for (const file of readdirSync(bundleDir).filter((name) => name.endsWith('.js'))) {
      const lines = readFileSync(join(bundleDir, file), 'utf8').split('\n');
      const map = JSON.parse(readFileSync(join(bundleDir, `${file}.map`), 'utf8')) as {
        sources: string[];
        mappings: string;
      };
      decodeMappings(map.mappings).forEach((segments, index) => {
        const length = lines[index]?.length ?? 0;
        segments.forEach((segment, at) => {
          const end = segments[at + 1]?.column ?? length;
          const name = segment.source >= 0 ? owner(map.sources[segment.source] ?? '') : '(unmapped)';
          totals.set(name, (totals.get(name) ?? 0) + end - segment.column);
        });
      });
    }
    return [...totals].map(([name, bytes]) => ({ owner: name, bytes })).sort((a, b) => b.bytes - a.bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const entry of EXPORTS) {
  process.stdout.write(`exporting ${entry.platform}${entry.bytecode ? '' : ' (--no-bytecode)'}... `);
  const row = measure(entry);
  console.log(`${row.seconds.toFixed(1)} s`);
  rows.push(row);
}

console.log('\nLearnCraft mobile bundle sizes (expo export, minified, gzip at zlib level 6)');
console.log('platform | bundle | files | modules | raw | gzip | export time');
console.log('---|---|---|---|---|---|---');
for (const row of rows)
  console.log(
    `${row.platform} | ${row.kind} | ${row.files} | ${row.modules} | ${kib(row.raw)} | ${kib(row.gzip)} | ${row.seconds.toFixed(1)} s`,
  );

const composition = webComposition();
const total = composition.reduce((sum, entry) => sum + entry.bytes, 0);
console.log('\nWhat the web bundle is made of (minified bytes per package, from its source map)');
console.log('package | raw | share');
console.log('---|---|---');
for (const entry of composition.slice(0, 15))
  console.log(`${entry.owner} | ${kib(entry.bytes)} | ${((100 * entry.bytes) / total).toFixed(1)} %`);
const rest = composition.slice(15).reduce((sum, entry) => sum + entry.bytes, 0);
console.log(`${composition.length - 15} more | ${kib(rest)} | ${((100 * rest) / total).toFixed(1)} %`);
