/**
 * Pieces every section of the organization console uses: a mutation's answer turned into
 * userErrors (a failed request becomes one form message, so nothing typed is lost), a secret
 * shown once with a copy button, and a button that asks to confirm before it acts.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormUserError } from '../authForm';

/** The payload's userErrors, or one form message when the request itself failed. */
export function answerErrors(
  payload: { userErrors: readonly FormUserError[] } | null | undefined,
  failure: string,
): readonly FormUserError[] {
  return payload ? payload.userErrors : [{ code: 'REQUEST_FAILED', message: failure }];
}

/**
 * A secret the API returns once (an API key, a webhook signing secret): in a read-only field with
 * a copy button, and the warning that it cannot be shown again.
 */
export function SecretOnce({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="secret-once" aria-labelledby="secret-heading">
      <h3 id="secret-heading" ref={heading} tabIndex={-1}>
        {title}
      </h3>
      <p className="warning">
        <strong>Copy it now: you will not see it again.</strong> LearnCraft keeps only a hash of it.
      </p>
      <label className="field">
        <span>Secret</span>
        <input readOnly value={secret} className="secret" onFocus={(event) => event.currentTarget.select()} />
      </label>
      <p className="actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button secondary" onClick={onDone}>
          I have stored it
        </button>
      </p>
      <p role="status">
        {copied === true
          ? 'Copied to the clipboard.'
          : copied === false
            ? 'Copying failed: select the text and copy it.'
            : ''}
      </p>
    </section>
  );
}

/** A button that acts only after a second, explicit "Confirm …" click. */
export function ConfirmButton({
  label,
  confirmLabel,
  question,
  onConfirm,
  busy,
}: {
  label: string;
  confirmLabel: string;
  question: string;
  onConfirm: () => unknown;
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="button secondary" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>{' '}
      <button
        type="button"
        className="button danger"
        disabled={busy}
        onClick={() => {
          setAsking(false);
          void onConfirm();
        }}
      >
        {confirmLabel}
      </button>{' '}
      <button type="button" className="button secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
