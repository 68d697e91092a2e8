/**
 * docker-compose.yml checked offline (`docker compose config` cannot run here): every variable a
 * service is given is one its config schema reads, every URL names a compose service on the port
 * it listens on, every dependency waits for a healthcheck, secrets come only from `.env`, and
 * each service's environment, filled from `.env.example`, is accepted by its own config loader
 * with the image's NODE_ENV=production.
 */
import { compiledEntry, SERVICE_BUILDS } from '../build/compile';
import {
  dockerfileStageEnv,
  LEARNCRAFT_SERVICES,
  parseEnvFile,
  readCompose,
  readRepoFile,
  referencedVariables,
  schemaKeys,
  serviceEnvironment,
  STORE_PORTS,
  supergraphSubgraphs,
  type ComposeService,
} from './composeFile';

const compose = readCompose();
const services = compose.services;
const exampleEnv = parseEnvFile(readRepoFile('.env.example'));
const imageEnv = dockerfileStageEnv(readRepoFile('deploy/Dockerfile'), 'runtime');
const subgraphs = supergraphSubgraphs();
const learncraftNames = Object.keys(LEARNCRAFT_SERVICES);

const resolved = (name: string) => serviceEnvironment(services[name] as ComposeService, exampleEnv);

/** Where a LearnCraft service listens: its PORT, else its schema's default. */
function listeningPort(name: string): number {
  if (name in STORE_PORTS) return STORE_PORTS[name]!;
  const config = LEARNCRAFT_SERVICES[name]!.load({ ...imageEnv, ...resolved(name) }) as { PORT: number };
  return config.PORT;
}

/** Host ports the compose file publishes (`"4000:4000"` -> 4000). */
const publishedPorts = Object.values(services).flatMap((service) =>
  (service.ports ?? []).map((mapping) => Number(String(mapping).split(':').at(-2))),
);

const dependencies = (service: ComposeService): [string, string][] =>
  Array.isArray(service.depends_on)
    ? service.depends_on.map((name) => [name, 'service_started'])
    : Object.entries(service.depends_on ?? {}).map(([name, spec]) => [name, spec.condition]);

/** Every string a service's definition holds, before interpolation. */
function rawStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(rawStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(rawStrings);
  return [];
}

describe('docker-compose.yml', () => {
  test('runs every subgraph and the gateway compiled, with plain node, from deploy/Dockerfile', () => {
    const commands = Object.fromEntries(learncraftNames.map((name) => [name, services[name]?.command]));
    expect(commands).toEqual(
      Object.fromEntries(SERVICE_BUILDS.map((build) => [build.name, ['node', compiledEntry(build)]])),
    );
    for (const name of learncraftNames) expect(services[name]?.build?.dockerfile).toBe('deploy/Dockerfile');
    expect(services.labs?.build?.target).toBe('labs');
  });

  test('gives each service only variables its config schema reads', () => {
    const unknown: string[] = [];
    for (const name of learncraftNames) {
      const known = new Set(schemaKeys(LEARNCRAFT_SERVICES[name]!.schema));
      for (const key of Object.keys(services[name]?.environment ?? {})) {
        // The gateway also reads `<SUBGRAPH>_URL` and `<SUBGRAPH>_TIMEOUT_MS` for each subgraph it composes.
        const perSubgraph = /^([A-Z]+)_(URL|TIMEOUT_MS)$/.exec(key);
        if (name === 'gateway' && perSubgraph && subgraphs.has(perSubgraph[1]!.toLowerCase())) continue;
        if (!known.has(key)) unknown.push(`${name}.${key}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  test('every service accepts its environment, filled from .env.example, as production', () => {
    expect(imageEnv).toEqual({ NODE_ENV: 'production', HOST: '0.0.0.0', DATA_DIR: '/data' });
    const problems: string[] = [];
    for (const name of learncraftNames) {
      try {
        LEARNCRAFT_SERVICES[name]!.load({ ...imageEnv, ...resolved(name) });
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    const commerce = LEARNCRAFT_SERVICES.commerce!.load({ ...imageEnv, ...resolved('commerce') });
    expect(commerce).toMatchObject({
      PAYMENT_PROVIDER: 'test',
      PAYMENT_PROVIDER_CHOSEN: true,
      NODE_ENV: 'production',
    });
    const gateway = LEARNCRAFT_SERVICES.gateway!.load({ ...imageEnv, ...resolved('gateway') });
    expect(gateway).toMatchObject({ PERSISTED_OPERATIONS: 'safelist', NODE_ENV: 'production' });
  });

  test('a .env without the payment provider stops compose, as commerce would refuse production without it', () => {
    const { PAYMENT_PROVIDER: _omitted, ...withoutProvider } = exampleEnv;
    expect(() => serviceEnvironment(services.commerce as ComposeService, withoutProvider)).toThrow(
      'PAYMENT_PROVIDER is required: set PAYMENT_PROVIDER in .env (stripe or test)',
    );
    const { PAYMENT_PROVIDER: _provider, ...commerceEnv } = resolved('commerce');
    expect(() => LEARNCRAFT_SERVICES.commerce!.load({ ...imageEnv, ...commerceEnv })).toThrow(
      'PAYMENT_PROVIDER: must be set in production',
    );
  });

  test('every URL names a compose service on the port it listens on, or the published gateway', () => {
    const mismatches: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(serviceEnvironment(service, exampleEnv))) {
        if (!/^[a-z]+:\/\//.test(value)) continue;
        const url = new URL(value);
        const port = Number(url.port || { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 }[url.protocol]);
        const where = `${name}.${key}=${url.protocol}//${url.hostname}:${port}`;
        if (url.hostname === 'localhost') {
          if (!publishedPorts.includes(port)) mismatches.push(`${where}: no published port ${port}`);
        } else if (!services[url.hostname]) mismatches.push(`${where}: no service ${url.hostname}`);
        else if (listeningPort(url.hostname) !== port)
          mismatches.push(`${where}: ${url.hostname} listens on ${listeningPort(url.hostname)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(publishedPorts).toEqual([listeningPort('gateway')]);
  });

  test("the gateway's subgraph URLs are exactly the supergraph's subgraphs, each a compose service", () => {
    const env = resolved('gateway');
    const named = Object.keys(env)
      .filter((key) => /^[A-Z]+_URL$/.test(key) && subgraphs.has(key.slice(0, -4).toLowerCase()))
      .map((key) => key.slice(0, -4).toLowerCase());
    expect(named.sort()).toEqual([...subgraphs.keys()].sort());
    for (const subgraph of named)
      expect(env[`${subgraph.toUpperCase()}_URL`]).toBe(
        `http://${subgraph}:${listeningPort(subgraph)}/graphql`,
      );
  });

  test('every server and service has a healthcheck, and every dependency waits for it', () => {
    const withoutHealthcheck = Object.entries(services)
      .filter(([, service]) => !service.healthcheck?.test || service.healthcheck.disable)
      .map(([name]) => name);
    expect(withoutHealthcheck).toEqual([]);
    const badDependencies = Object.entries(services).flatMap(([name, service]) =>
      dependencies(service)
        .filter(([target, condition]) => !services[target] || condition !== 'service_healthy')
        .map(([target, condition]) => `${name} -> ${target} (${condition})`),
    );
    expect(badDependencies).toEqual([]);
    for (const name of learncraftNames)
      expect(services[name]?.healthcheck?.test).toEqual([
        'CMD',
        'node',
        'deploy/dist/healthcheck.js',
        '/health/ready',
      ]);
  });

  test('the dependencies have no cycle (compose would refuse to start)', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (name: string, path: string[]) => {
      if (done.has(name)) return;
      if (visiting.has(name)) return void cycles.push([...path, name].join(' -> '));
      visiting.add(name);
      for (const [target] of dependencies(services[name] as ComposeService)) visit(target, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
    expect(cycles).toEqual([]);
  });

  test('no secret is written in the file: each comes from .env, which .env.example lists with a placeholder', () => {
    const secretName = /(PASSWORD|SECRET|API_KEY|PRIVATE_KEY|SECRET_KEY|TOKEN)$/;
    const literal: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const raw = String(value);
        if (secretName.test(key) && !/^\$\{[A-Z_]+(:?[-?][^}]*)?\}$/.test(raw))
          literal.push(`${name}.${key}`);
        // Credentials inside a URL: the password part is a variable.
        const credentials = /^[a-z]+:\/\/[^/@:]*:([^@]+)@/.exec(raw);
        if (credentials && !/^\$\{[A-Z_]+(:?[-?][^}]*)?\}$/.test(credentials[1]!))
          literal.push(`${name}.${key}`);
      }
    }
    expect(literal).toEqual([]);

    const referenced = new Map<string, boolean>();
    for (const value of rawStrings(compose))
      for (const { name, required } of referencedVariables(value))
        referenced.set(name, (referenced.get(name) ?? false) || required);
    // `$$NAME` is the container shell's variable, not compose's: referencedVariables skips it.
    expect([...referenced.keys()].filter((name) => !(name in exampleEnv))).toEqual([]);
    const placeholders = Object.entries(exampleEnv).filter(([key]) => secretName.test(key));
    expect(placeholders.filter(([, value]) => value !== '' && !value.startsWith('replace-with-'))).toEqual(
      [],
    );
    const requiredSecrets = [...referenced].filter(([name, required]) => required && secretName.test(name));
    expect(requiredSecrets.map(([name]) => name).sort()).toEqual([
      'GATEWAY_SECRET',
      'INTERNAL_API_SECRET',
      'LAB_TERMINAL_SECRET',
      'MONGO_PASSWORD',
      'POSTGRES_PASSWORD',
      'QDRANT_API_KEY',
      'REDIS_PASSWORD',
      'WEBHOOK_SECRET_KEY',
    ]);
  });

  test('every server image is pinned to a version', () => {
    const servers = Object.entries(services).filter(([name]) => !(name in LEARNCRAFT_SERVICES));
    const unpinned = servers.filter(([, s]) => !/:[0-9][\w.-]*$|:v[0-9][\w.-]*$/.test(s.image ?? ''));
    expect(unpinned.map(([name, s]) => `${name}: ${s.image}`)).toEqual([]);
    expect(servers.map(([name]) => name).sort()).toEqual(Object.keys(STORE_PORTS).sort());
  });

  test('ai keeps its vectors in the compose Qdrant, with its API key', () => {
    const ai = resolved('ai');
    expect({ QDRANT_URL: ai.QDRANT_URL, QDRANT_API_KEY: ai.QDRANT_API_KEY }).toEqual({
      QDRANT_URL: 'http://qdrant:6333',
      QDRANT_API_KEY: exampleEnv.QDRANT_API_KEY,
    });
    expect(resolved('qdrant').QDRANT__SERVICE__API_KEY).toBe(exampleEnv.QDRANT_API_KEY);
  });

  test('labs runs local sandboxes in the image that has bubblewrap, with namespaces allowed', () => {
    expect(resolved('labs').LAB_RUNTIME).toBe('local');
    expect(services.labs?.security_opt).toEqual(['seccomp=unconfined', 'apparmor=unconfined']);
    const others = Object.entries(services).filter(([name, s]) => name !== 'labs' && s.security_opt);
    expect(others).toEqual([]);
  });
});
