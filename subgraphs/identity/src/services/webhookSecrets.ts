/**
 * Endpoint signing secrets: made (`whsec_` + 32 random bytes), kept encrypted at rest
 * (AES-256-GCM under a key derived with HKDF from WEBHOOK_SECRET_KEY or the identity signing key,
 * since a secret must stay usable to sign and so cannot be hashed), and used to sign deliveries
 * as contract 5 says: `learncraft-signature: t=<unix s>,v1=<hex HMAC-SHA256("<t>.<body>")>`.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

export const SIGNING_SECRET_PREFIX = 'whsec_';
const FORMAT = 'v1';

export function newSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** Encrypts and decrypts signing secrets; the key never leaves this object. */
export interface SecretBox {
  seal(secret: string): string;
  open(sealed: string): string;
}

/**
 * The box over a key derived from `material`: the WEBHOOK_SECRET_KEY text when configured, else
 * the signing key's private bytes (so a deployment without the variable still encrypts, and
 * replicas sharing JWT_PRIVATE_KEY share the box).
 */
export function createSecretBox(material: string | KeyObject): SecretBox {
  const ikm =
    typeof material === 'string'
      ? Buffer.from(material, 'utf8')
      : material.export({ type: 'pkcs8', format: 'der' });
  const key = Buffer.from(hkdfSync('sha256', ikm, 'learncraft-webhooks', 'webhook-signing-secret/v1', 32));
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return [FORMAT, iv, cipher.getAuthTag(), sealed]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const [format, iv, tag, data] = sealed.split('.');
      if (format !== FORMAT || !iv || !tag || !data) throw new Error('unreadable webhook signing secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

/** The `learncraft-signature` header value for `body` sent at `at`. */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
