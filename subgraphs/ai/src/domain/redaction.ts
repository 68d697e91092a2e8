/**
 * A streaming redactor: removes given secrets (correct quiz option labels while the learner has
 * not passed, lab check commands) from model output as it streams. A secret may arrive split
 * across deltas, so the redactor holds back the shortest tail that could still grow into a match
 * and emits everything before it at once — the learner still sees the reply token by token.
 *
 * Matching ignores case, any run of whitespace in the output matches any run of whitespace in a
 * secret ("kubectl  get\npods" matches "kubectl get pods"), and Markdown emphasis or code marks
 * inside a secret do not hide it ("**A Deployment** manages Pods").
 */

export interface Redactor {
  /** Takes the next piece of output; returns the text that is safe to show now. */
  push(delta: string): string;
  /** Ends the stream: returns the held-back text, redacted. */
  flush(): string;
}

const WHITESPACE = /\s/;
/** Markdown marks a model may wrap around part of a secret. */
const FORMATTING = new Set(['*', '_', '`']);

function normaliseSecret(secret: string): string {
  return secret.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * How `secret` matches `text` from `start`: the length of text a full match covers, 'partial'
 * when the text ends while still matching (more output could complete it), or 'none'.
 */
function matchAt(text: string, start: number, secret: string): number | 'partial' | 'none' {
  let i = start;
  for (let j = 0; j < secret.length; j++) {
    // Skip formatting marks inside the match (not before it: the match starts at real text).
    if (j > 0 && !FORMATTING.has(secret[j] ?? '')) {
      while (i < text.length && FORMATTING.has(text.charAt(i))) i++;
    }
    if (secret[j] === ' ') {
      if (i >= text.length) return 'partial';
      if (!WHITESPACE.test(text.charAt(i))) return 'none';
      while (i < text.length && (WHITESPACE.test(text.charAt(i)) || FORMATTING.has(text.charAt(i)))) i++;
      continue;
    }
    if (i >= text.length) return 'partial';
    if (text.charAt(i).toLowerCase() !== secret[j]) return 'none';
    i++;
  }
  return i - start;
}

/** A redactor replacing every occurrence of each secret with `replacement`. Empty secrets are ignored. */
export function createRedactor(secrets: string[], replacement: string): Redactor {
  const normalised = [...new Set(secrets.map(normaliseSecret).filter((s) => s.length > 0))];
  let pending = '';

  // Scans `pending`, redacting full matches; unless `final`, stops at the first position where a
  // secret could still be completing and keeps the rest for the next push.
  const drain = (final: boolean): string => {
    let out = '';
    let i = 0;
    scan: while (i < pending.length) {
      let longest = 0;
      for (const secret of normalised) {
        const result = matchAt(pending, i, secret);
        // Hold even when a shorter secret already matches here: a longer one may be completing,
        // and redacting the shorter one now would leak the rest of the longer one.
        if (result === 'partial' && !final) break scan;
        if (typeof result === 'number' && result > longest) longest = result;
      }
      if (longest > 0) {
        out += replacement;
        i += longest;
      } else {
        out += pending.charAt(i);
        i++;
      }
    }
    pending = pending.slice(i);
    return out;
  };

  return {
    push(delta) {
      if (normalised.length === 0) return delta;
      pending += delta;
      return drain(false);
    },
    flush() {
      const out = drain(true);
      pending = '';
      return out;
    },
  };
}
