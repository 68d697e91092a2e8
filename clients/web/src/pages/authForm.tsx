/**
 * Shared pieces of the log-in, sign-up and password-reset forms: field errors from `userErrors`,
 * and the "try again in …" message of a RATE_LIMITED error.
 */
import type { Ref } from 'react';
import { formErrors, type FormUserError } from '@learncraft/operations/errors';

// The userError helpers live in the shared operations package (the mobile app uses them too).
export { fieldError, formErrors, rateLimitMessage, type FormUserError } from '@learncraft/operations/errors';

/** A text field of a submitted form ('' when absent). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
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
