import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { loadOrCreateSigningKey, signingKeyFromPem, SigningKeyError } from '../src/keys';

describe('the signing key', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lc-keys-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('is generated on first start as an owner-only PEM file and reused afterwards', async () => {
    const first = await loadOrCreateSigningKey(dataDir);
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    const file = join(dataDir, 'keys', 'jwt-ed25519.pem');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    const second = await loadOrCreateSigningKey(dataDir);
    expect(second.kid).toBe(first.kid);
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
  });

  it('refuses to replace an unreadable key file', async () => {
    await mkdir(join(dataDir, 'keys'), { recursive: true });
    await writeFile(join(dataDir, 'keys', 'jwt-ed25519.pem'), 'garbage');
    await expect(loadOrCreateSigningKey(dataDir)).rejects.toThrow(SigningKeyError);
    expect(await readFile(join(dataDir, 'keys', 'jwt-ed25519.pem'), 'utf8')).toBe('garbage');
  });

  it('has the RFC 7638 thumbprint as kid (RFC 8037 appendix A test vector)', async () => {
    const pem = createPrivateKey({
      format: 'jwk',
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      },
    })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const key = await signingKeyFromPem(pem);
    expect(key.kid).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    expect(key.publicJwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      kid: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
      alg: 'EdDSA',
      use: 'sig',
    });
  });

  it('must be Ed25519', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await expect(signingKeyFromPem(rsa.toString())).rejects.toThrow(
      'The signing key must be Ed25519, not rsa.',
    );
  });
});

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 4001,
      HOST: '127.0.0.1',
      DATA_DIR: '.data',
      SEED_DEMO: false,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_DAYS: 30,
    });
    expect(config.JWT_PRIVATE_KEY).toBeUndefined();
  });

  it('reads SEED_DEMO as a boolean and rejects nonsense', () => {
    expect(loadConfig({ SEED_DEMO: 'true' }).SEED_DEMO).toBe(true);
    expect(loadConfig({ SEED_DEMO: '0' }).SEED_DEMO).toBe(false);
    expect(() => loadConfig({ SEED_DEMO: 'perhaps' })).toThrow(/SEED_DEMO/);
  });

  it('accepts JWT_PRIVATE_KEY written on one line with \\n escapes', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const config = loadConfig({ JWT_PRIVATE_KEY: pem.trim().replace(/\n/g, '\\n') });
    expect(config.JWT_PRIVATE_KEY).toBe(pem.trim());
  });

  it('rejects a JWT_PRIVATE_KEY that is not an Ed25519 private key', () => {
    expect(() => loadConfig({ JWT_PRIVATE_KEY: 'not a key' })).toThrow(
      /JWT_PRIVATE_KEY: must be an Ed25519 private key in PKCS#8 PEM/,
    );
  });
});
