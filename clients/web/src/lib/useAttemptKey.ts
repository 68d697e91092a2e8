/**
 * The idempotency key of a payment or refund attempt. The same key is sent again while the same
 * attempt is retried after a network error (the server may have charged already: it replays its
 * first answer rather than charging twice); once the server has answered, the next attempt gets a
 * fresh key.
 */
import { useCallback, useRef } from 'react';

export function useAttemptKey(): { current: () => string; settle: () => void } {
  const key = useRef<string | null>(null);
  const current = useCallback(() => (key.current ??= newKey()), []);
  const settle = useCallback(() => {
    key.current = null;
  }, []);
  return { current, settle };
}

/**
 * A random uuid. `crypto.randomUUID` exists only in secure contexts (https, localhost); an app
 * served over plain http elsewhere builds the same version-4 uuid from `getRandomValues`.
 */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
