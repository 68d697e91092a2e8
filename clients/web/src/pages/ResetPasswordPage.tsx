/** Choose a new password with the token from a reset mail (`/reset-password?token=…`). */
import { useMutation } from '@apollo/client';
import { Link, useSearchParams } from 'react-router';
import { PasswordResetCompleteMutation } from '@learncraft/operations';
import { useTitle } from '../lib/useTitle';
import { Field, fieldError, formErrors, formText } from './authForm';

export default function ResetPasswordPage() {
  useTitle('Choose a new password');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [complete, { data, loading, error }] = useMutation(PasswordResetCompleteMutation);

  if (!token) {
    return (
      <div className="page narrow">
        <h1>Choose a new password</h1>
        <p className="form-error" role="alert">
          This link has no reset token. Open the link from the mail again, or{' '}
          <Link to="/forgot-password">request a new one</Link>.
        </p>
      </div>
    );
  }

  if (data?.passwordResetComplete.user) {
    return (
      <div className="page narrow">
        <h1>Password changed</h1>
        <p role="status">
          Your new password is set, and you have been signed out everywhere. <Link to="/login">Log in</Link>{' '}
          with your new password.
        </p>
      </div>
    );
  }

  const onSubmit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    await complete({ variables: { input: { token, newPassword: formText(form, 'newPassword') } } }).catch(
      () => null,
    );
  };

  const userErrors = data?.passwordResetComplete.userErrors;
  const tokenRejected = userErrors?.some((userError) => userError.code === 'INVALID_RESET_TOKEN');
  const formError = formErrors(userErrors)[0];
  return (
    <div className="page narrow">
      <h1>Choose a new password</h1>
      <form className="auth-form" onSubmit={(event) => void onSubmit(event)}>
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={10}
          hint="At least 10 characters; not a common password, and not containing the part before the @."
          error={fieldError(userErrors, 'newPassword')}
        />
        {tokenRejected && (
          <p className="form-error" role="alert">
            This reset link is invalid, expired or already used.{' '}
            <Link to="/forgot-password">Request a new one</Link>.
          </p>
        )}
        {!tokenRejected && (formError || error) && (
          <p className="form-error" role="alert">
            {formError ?? 'Changing the password failed. Please try again.'}
          </p>
        )}
        <button type="submit" className="button" disabled={loading}>
          {loading ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </div>
  );
}
