/**
 * Writes the dev overlay's git-ignored secret files with fresh random values: secrets.env and the
 * JWT key pair (for learncraft-secrets) and stores.env (for learncraft-stores-secrets). Files that
 * exist are kept, so the stores' passwords stay those their volumes were initialised with.
 *
 *   npx tsx deploy/k8s/overlays/dev/make-secrets.ts [directory]   (default: this overlay)
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const STORES = 'learncraft-stores.svc';
const random = () => randomBytes(32).toString('base64url');
const envFile = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');

/** Writes what is missing in `directory`; returns the files written. */
export function writeDevSecrets(directory: string): string[] {
  const written: string[] = [];
  const write = (name: string, content: string) => {
    writeFileSync(join(directory, name), content, { mode: 0o600 });
    written.push(name);
  };
  // The URLs carry the stores' passwords: both env files are written together or not at all.
  if (!existsSync(join(directory, 'secrets.env')) && !existsSync(join(directory, 'stores.env'))) {
    const stores = { POSTGRES_PASSWORD: random(), MONGO_INITDB_ROOT_PASSWORD: random() };
    const postgres = `postgres://learncraft:${stores.POSTGRES_PASSWORD}@postgres.${STORES}:5432/learncraft`;
    write(
      'secrets.env',
      envFile({
        GATEWAY_SECRET: random(),
        INTERNAL_API_SECRET: random(),
        WEBHOOK_SECRET_KEY: random(),
        LAB_TERMINAL_SECRET: random(),
        IDENTITY_DATABASE_URL: postgres,
        PROGRESS_DATABASE_URL: postgres,
        LABS_DATABASE_URL: postgres,
        AI_DATABASE_URL: postgres,
        COMMERCE_DATABASE_URL: postgres,
        REDIS_URL: `redis://redis.${STORES}:6379`,
        MONGODB_URL: `mongodb://learncraft:${stores.MONGO_INITDB_ROOT_PASSWORD}@mongodb.${STORES}:27017/learncraft?authSource=admin`,
        ELASTICSEARCH_URL: `http://elasticsearch.${STORES}:9200`,
        QDRANT_URL: `http://qdrant.${STORES}:6333`,
      }),
    );
    write('stores.env', envFile(stores));
  }
  if (!existsSync(join(directory, 'jwt-private.pem'))) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    write('jwt-private.pem', privateKey);
    write('jwt-public.pem', publicKey);
  }
  return written;
}

if (require.main === module) {
  const directory = resolve(process.argv[2] ?? __dirname);
  const written = writeDevSecrets(directory);
  console.log(
    written.length > 0 ? `wrote ${written.join(', ')} in ${directory}` : `kept the files in ${directory}`,
  );
}
