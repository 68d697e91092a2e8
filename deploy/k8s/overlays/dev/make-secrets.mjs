#!/usr/bin/env node
/**
 * Writes the dev overlay's git-ignored secret files with fresh random values: secrets.env and the
 * JWT key pair (for learncraft-secrets) and stores.env (for learncraft-stores-secrets). Files that
 * exist are kept, so the stores' passwords stay those their volumes were initialised with.
 *
 *   node deploy/k8s/overlays/dev/make-secrets.mjs [directory]   (default: this overlay)
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const directory = resolve(process.argv[2] ?? dirname(fileURLToPath(import.meta.url)));
const random = () => randomBytes(32).toString('base64url');
const stores = 'learncraft-stores.svc';

function writeOnce(name, content) {
  const path = join(directory, name);
  if (existsSync(path)) return console.log(`kept ${path}`);
  writeFileSync(path, content, { mode: 0o600 });
  console.log(`wrote ${path}`);
}

const storesEnv = join(directory, 'stores.env');
const storePasswords = { POSTGRES_PASSWORD: random(), MONGO_INITDB_ROOT_PASSWORD: random() };
if (!existsSync(storesEnv) && !existsSync(join(directory, 'secrets.env'))) {
  const postgres = `postgres://learncraft:${storePasswords.POSTGRES_PASSWORD}@postgres.${stores}:5432/learncraft`;
  const lines = {
    GATEWAY_SECRET: random(),
    INTERNAL_API_SECRET: random(),
    WEBHOOK_SECRET_KEY: random(),
    LAB_TERMINAL_SECRET: random(),
    IDENTITY_DATABASE_URL: postgres,
    PROGRESS_DATABASE_URL: postgres,
    LABS_DATABASE_URL: postgres,
    AI_DATABASE_URL: postgres,
    COMMERCE_DATABASE_URL: postgres,
    REDIS_URL: `redis://redis.${stores}:6379`,
    MONGODB_URL: `mongodb://learncraft:${storePasswords.MONGO_INITDB_ROOT_PASSWORD}@mongodb.${stores}:27017/learncraft?authSource=admin`,
    ELASTICSEARCH_URL: `http://elasticsearch.${stores}:9200`,
    QDRANT_URL: `http://qdrant.${stores}:6333`,
  };
  const env = (values) => Object.entries(values).map(([key, value]) => `${key}=${value}\n`).join('');
  writeOnce('secrets.env', env(lines));
  writeOnce('stores.env', env(storePasswords));
} else {
  // The URLs carry the stores' passwords: both files are written together or not at all.
  console.log(`kept ${join(directory, 'secrets.env')} and ${storesEnv}`);
}
if (!existsSync(join(directory, 'jwt-private.pem'))) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeOnce('jwt-private.pem', privateKey);
  writeFileSync(join(directory, 'jwt-public.pem'), publicKey, { mode: 0o600 });
} else {
  console.log(`kept ${join(directory, 'jwt-private.pem')} and jwt-public.pem`);
}
