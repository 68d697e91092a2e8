/**
 * LearnCraft's gateway in `npm run bench:gateway`: `startGateway` over the benchmark's supergraph
 * with a production-like configuration — operation limits and cost on, error masking
 * (NODE_ENV=production), the rate limit in this process's memory with a budget no benchmark run
 * exhausts, persisted operations in `allow` mode (the benchmark is not a first-party client).
 * Query plans run on LearnCraft's executor (src/execution, the gateway's default), not Apollo's.
 * `DEDUPLICATE_IN_FLIGHT=true` turns on in-flight deduplication. Prints `{"url": ...}` once listening.
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '@learncraft/kit';
import { loadConfig, startGateway } from '../../src';

const GENEROUS = Object.fromEntries(
  ['API_KEY', 'USER', 'ANONYMOUS'].flatMap((kind) => [
    [`RATE_LIMIT_${kind}_POINTS_PER_HOUR`, '1000000000'],
    [`RATE_LIMIT_${kind}_POINTS_PER_MINUTE`, '1000000000'],
    [`RATE_LIMIT_${kind}_MAX_CONCURRENT`, '100000'],
  ]),
);

async function main() {
  const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8');
  const config = loadConfig({
    PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    GATEWAY_SECRET: 'bench-gateway-secret-0123456789',
    // No token is ever sent; the key only has to exist (tokens would be verified with it).
    JWT_PUBLIC_KEY: process.env.BENCH_JWT_PUBLIC_KEY,
    PERSISTED_OPERATIONS: 'allow',
    RATE_LIMIT_ENABLED: 'true',
    ...GENEROUS,
    ...(process.env.DEDUPLICATE_IN_FLIGHT
      ? { DEDUPLICATE_IN_FLIGHT: process.env.DEDUPLICATE_IN_FLIGHT }
      : {}),
  });
  const gateway = await startGateway({
    config,
    supergraphSdl,
    logger: createLogger('bench-gateway', 'error'),
  });
  console.log(JSON.stringify({ url: gateway.url }));
  // A clean exit on SIGINT, so a --cpu-prof profile gets written.
  process.once('SIGINT', () => void gateway.close().finally(() => process.exit(0)));
}

void main();
