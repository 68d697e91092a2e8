/**
 * The idempotency key of a payment or refund attempt. The same key is sent again while the same
 * attempt is retried after a network error (the server may have charged already: it replays its
 * first answer rather than charging twice); once the server has answered, the next attempt gets a
 * fresh key.
 */
import { useCallback, useRef } from 'react';

export function useAttemptKey(): { current: () => string; settle: () => void } {
  const key = useRef<string | null>(null);
  const current = useCallback(() => (key.current ??= crypto.randomUUID()), []);
  const settle = useCallback(() => {
    key.current = null;
  }, []);
  return { current, settle };
}
