/**
 * Idempotency keys for payment and refund attempts (checkoutCreate, orderRefund), shared by both
 * clients: the same key is sent again while one attempt is retried, a fresh one per new attempt.
 */
import { useCallback, useRef } from 'react';

/**
 * The Web Crypto this module uses, declared here because the package compiles without DOM types;
 * React Native's Hermes may have neither method.
 */
declare const crypto:
  { randomUUID?: () => string; getRandomValues?: (array: Uint8Array) => Uint8Array } | undefined;

/**
 * A random uuid. `crypto.randomUUID` exists only in secure contexts (https, localhost); an app
 * served over plain http elsewhere builds the same version-4 uuid from `getRandomValues`, and a
 * runtime without Web Crypto (Hermes) from Math.random, as the key only has to be unique per
 * attempt, not secret.
 */
export function newKey(): string {
  const webCrypto = typeof crypto === 'undefined' ? undefined : crypto;
  if (typeof webCrypto?.randomUUID === 'function') return webCrypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof webCrypto?.getRandomValues === 'function') webCrypto.getRandomValues(bytes);
  else for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The idempotency key of one payment or refund attempt: the same key while the attempt is retried
 * after a network error (the server may have charged already: it replays its first answer rather
 * than charging twice); once the server has answered, `settle()`, and the next attempt gets a
 * fresh key.
 */
export function useAttemptKey(): { current: () => string; settle: () => void } {
  const key = useRef<string | null>(null);
  const current = useCallback(() => (key.current ??= newKey()), []);
  const settle = useCallback(() => {
    key.current = null;
  }, []);
  return { current, settle };
}
