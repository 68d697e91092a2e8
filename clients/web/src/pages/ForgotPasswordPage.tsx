/** Ask for a password reset link by email. The answer never says whether the account exists. */
import { useState } from 'react';
import { useMutation } from '@apollo/client';
import { Link } from 'react-router';
import { PasswordResetRequestMutation } from '@learncraft/operations';
import { useTitle } from '../lib/useTitle';
import { Field, fieldError, formErrors, formText, rateLimitMessage } from './authForm';

export default function ForgotPasswordPage() {
  useTitle('Reset your password');
  const [requestReset, { data, loading, error }] = useMutation(PasswordResetRequestMutation);
  const [email, setEmail] = useState('');

  const onSubmit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setEmail(formText(form, 'email').trim());
    await requestReset({ variables: { input: { email: formText(form, 'email') } } }).catch(() => null);
  };

  if (data?.passwordResetRequest.requested) {
    return (
      <div className="page narrow">
        <h1>Check your email</h1>
        <p role="status">
          If an account uses <strong>{email}</strong>, we have sent it a link to choose a new password. The
          link works once, for 30 minutes.
        </p>
        <p>
          <Link to="/login">Back to log in</Link>
        </p>
      </div>
    );
  }

  const userErrors = data?.passwordResetRequest.userErrors;
  const formError = rateLimitMessage(error) ?? formErrors(userErrors)[0];
  return (
    <div className="page narrow">
      <h1>Reset your password</h1>
      <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
      <form className="auth-form" onSubmit={(event) => void onSubmit(event)}>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          error={fieldError(userErrors, 'email')}
        />
        {(formError || error) && (
          <p className="form-error" role="alert">
            {formError ?? 'Sending the link failed. Please try again.'}
          </p>
        )}
        <button type="submit" className="button" disabled={loading}>
          {loading ? 'Sending…' : 'Send reset link'}
        </button>
      </form>
      <p>
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
