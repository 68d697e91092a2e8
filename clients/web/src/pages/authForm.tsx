/**
 * Shared pieces of the log-in, sign-up and password-reset forms: field errors from `userErrors`,
 * and the "try again in …" message of a RATE_LIMITED error.
 */
import type { ApolloError } from '@apollo/client';
import type { Ref } from 'react';
import { retryDelay } from '../lib/format';

export interface FormUserError {
  code: string;
  message: string;
  field?: string[] | null;
}

/** A text field of a submitted form ('' when absent). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * The message for one input field, if any: the last name of its path, so `["input", "email"]` and
 * a nested `["input", "payment", "testCard", "number"]` both name their field.
 */
export function fieldError(errors: readonly FormUserError[] | undefined, name: string): string | undefined {
  return errors?.find((error) => error.field && error.field.length > 1 && error.field.at(-1) === name)
    ?.message;
}

/** Messages not tied to a field. */
export function formErrors(errors: readonly FormUserError[] | undefined): string[] {
  return (
    errors?.filter((error) => !error.field || error.field.length < 2).map((error) => error.message) ?? []
  );
}

/**
 * "Too many attempts — try again in 2 min" for a RATE_LIMITED error (`lead` names what there were
 * too many of); null for anything else.
 */
export function rateLimitMessage(error: ApolloError | undefined, lead = 'Too many attempts'): string | null {
  const limited = error?.graphQLErrors.find((entry) => entry.extensions?.code === 'RATE_LIMITED');
  if (!limited) return null;
  const seconds = limited.extensions?.retryAfterSeconds;
  return typeof seconds === 'number'
    ? `${lead} — try again in ${retryDelay(seconds)}.`
    : `${lead} — try again later.`;
}

export function Field(props: {
  label: string;
  name: string;
  type: string;
  autoComplete: string;
  error?: string;
  minLength?: number;
  maxLength?: number;
  hint?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
  defaultValue?: string;
  required?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const errorId = `${props.name}-error`;
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        ref={props.inputRef}
        name={props.name}
        type={props.type}
        autoComplete={props.autoComplete}
        required={props.required ?? true}
        minLength={props.minLength}
        maxLength={props.maxLength}
        inputMode={props.inputMode}
        defaultValue={props.defaultValue}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorId : undefined}
      />
      {props.hint && <small>{props.hint}</small>}
      {props.error && (
        <small id={errorId} className="form-error">
          {props.error}
        </small>
      )}
    </label>
  );
}

/** A field's error under it, when there is one. */
export function FieldMessage({ message, id }: { message: string | undefined; id?: string }) {
  return message ? (
    <small id={id} className="form-error">
      {message}
    </small>
  ) : null;
}

/** The messages not tied to a field, one paragraph each. */
export function FormMessages({ errors }: { errors: readonly FormUserError[] | undefined }) {
  return (
    <>
      {formErrors(errors).map((message) => (
        <p key={message} className="form-error">
          {message}
        </p>
      ))}
    </>
  );
}
