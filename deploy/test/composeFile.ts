/**
 * Reading docker-compose.yml the way `docker compose config` would, for the offline checks in
 * compose.test.ts (no Docker here): YAML with anchors and merge keys resolved, `${VAR}`
 * interpolation from an env file, and each LearnCraft service's config schema beside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { gatewayConfigSchema, loadConfig as loadGatewayConfig } from '../../gateway/src/config';
import { aiConfigSchema, loadConfig as loadAiConfig } from '../../subgraphs/ai/src/config';
import { catalogConfigSchema, loadConfig as loadCatalogConfig } from '../../subgraphs/catalog/src/config';
import { commerceConfigSchema, loadConfig as loadCommerceConfig } from '../../subgraphs/commerce/src/config';
import { identityConfigSchema, loadConfig as loadIdentityConfig } from '../../subgraphs/identity/src/config';
import { labsConfigSchema, loadConfig as loadLabsConfig } from '../../subgraphs/labs/src/config';
import { loadConfig as loadProgressConfig, progressConfigSchema } from '../../subgraphs/progress/src/config';
import { REPO_ROOT } from '../build/compile';

type Env = Record<string, string | undefined>;

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  healthcheck?: { test: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  security_opt?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The LearnCraft services: their config schema (what they read) and loader (what they accept). */
export const LEARNCRAFT_SERVICES: Record<string, { schema: z.ZodType; load: (env: Env) => unknown }> = {
  gateway: { schema: gatewayConfigSchema, load: loadGatewayConfig },
  identity: { schema: identityConfigSchema, load: loadIdentityConfig },
  catalog: { schema: catalogConfigSchema, load: loadCatalogConfig },
  progress: { schema: progressConfigSchema, load: loadProgressConfig },
  labs: { schema: labsConfigSchema, load: loadLabsConfig },
  ai: { schema: aiConfigSchema, load: loadAiConfig },
  commerce: { schema: commerceConfigSchema, load: loadCommerceConfig },
};

/** The ports the store images listen on by default (the compose file does not change them). */
export const STORE_PORTS: Record<string, number> = {
  postgres: 5432,
  redis: 6379,
  mongodb: 27017,
  elasticsearch: 9200,
  qdrant: 6333,
};

export const readRepoFile = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** docker-compose.yml as plain data, with anchors and `<<` merge keys resolved, not interpolated. */
export function readCompose(): ComposeFile {
  return parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
}

/** An env file (`KEY=value` lines, `#` comments), as compose reads `.env`. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) throw new Error(`not KEY=value: ${line}`);
    env[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return env;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a string refers to (`${NAME}`, `${NAME:-default}`, `${NAME:?message}`, `$NAME`). */
export function referencedVariables(value: string): { name: string; required: boolean }[] {
  return [...value.matchAll(REFERENCE)]
    .filter((match) => match[0] !== '$$')
    .map((match) => ({ name: (match[1] ?? match[4]) as string, required: (match[2] ?? '').endsWith('?') }));
}

/** Compose's interpolation: `${NAME:-x}` (unset or empty), `${NAME-x}` (unset), `:?`/`?` required, `$$`. */
export function interpolate(value: string, env: Env): string {
  return value.replace(
    REFERENCE,
    (match, braced?: string, operator?: string, argument?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const current = env[name];
      const missing = operator?.startsWith(':')
        ? current === undefined || current === ''
        : current === undefined;
      if (!missing) return current ?? '';
      if (operator?.endsWith('?')) throw new Error(`${name} is required: ${argument ?? ''}`);
      if (operator?.endsWith('-')) return argument ?? '';
      return '';
    },
  );
}

/** A service's environment with every value interpolated (numbers and booleans as compose passes them). */
export function serviceEnvironment(service: ComposeService, env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), env)]),
  );
}

/** The keys a config schema reads: its object's shape, looked up through pipes (`.transform`). */
export function schemaKeys(schema: z.ZodType): string[] {
  let current: unknown = schema;
  for (let depth = 0; depth < 5; depth++) {
    const def = (current as { _zod: { def: { type: string; shape?: object; in?: unknown } } })._zod.def;
    if (def.type === 'object' && def.shape) return Object.keys(def.shape);
    if (def.type === 'pipe') current = def.in;
    else throw new Error(`cannot read the keys of a ${def.type} schema`);
  }
  throw new Error('schema nests too deep');
}

/** The subgraphs the checked-in supergraph names, with the URL baked into it. */
export function supergraphSubgraphs(): Map<string, string> {
  const sdl = readRepoFile('schema/supergraph.graphql');
  return new Map(
    [...sdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)].map((m) => [m[1]!, m[2]!]),
  );
}

/** `ENV` settings of one Dockerfile stage (`ENV A=1 \ B=2`), as the image gives them to every service. */
export function dockerfileStageEnv(dockerfile: string, stage: string): Record<string, string> {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  const lines = joined.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^FROM \\S+ AS ${stage}\\s*$`, 'i').test(line.trim()));
  if (start < 0) throw new Error(`no stage ${stage}`);
  const env: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^FROM\s/i.test(line.trim())) break;
    const match = /^ENV\s+(.*)$/i.exec(line.trim());
    if (!match?.[1]) continue;
    for (const pair of match[1].trim().split(/\s+/)) {
      const [key, value] = pair.split('=');
      if (key && value !== undefined) env[key] = value;
    }
  }
  return env;
}
