/** Create an account (signed in at once), then continue to `?next=` or My learning. */
import { useApolloClient, useMutation } from '@apollo/client';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useSession, useSessionManager } from '../auth/SessionContext';
import { UserRegisterMutation } from '@learncraft/operations';
import { safeNext } from '../lib/paths';
import { useTitle } from '../lib/useTitle';
import { Field, formText, fieldError, formErrors } from './authForm';

export default function SignupPage() {
  useTitle('Sign up');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const manager = useSessionManager();
  const client = useApolloClient();
  const [register, { data, loading, error }] = useMutation(UserRegisterMutation);

  if (session.status === 'signedIn') return <Navigate to={next} replace />;

  const onSubmit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await register({
      variables: {
        input: {
          displayName: formText(form, 'displayName'),
          email: formText(form, 'email'),
          password: formText(form, 'password'),
        },
      },
    }).catch(() => null);
    const created = result?.data?.userRegister.session;
    if (created) {
      await client.clearStore();
      manager.accept(created);
    }
  };

  const userErrors = data?.userRegister.userErrors;
  const errors = formErrors(userErrors);
  return (
    <div className="page narrow">
      <h1>Create your account</h1>
      <form className="auth-form" onSubmit={(event) => void onSubmit(event)}>
        <Field
          label="Name"
          name="displayName"
          type="text"
          autoComplete="name"
          error={fieldError(userErrors, 'displayName')}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          error={fieldError(userErrors, 'email')}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          hint="At least 10 characters; not a common password, and not containing the part before the @."
          error={fieldError(userErrors, 'password')}
        />
        {(errors.length > 0 || error) && (
          <p className="form-error" role="alert">
            {errors[0] ?? 'Signing up failed. Please try again.'}
          </p>
        )}
        <button type="submit" className="button" disabled={loading}>
          {loading ? 'Creating your account…' : 'Sign up'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={`/login?next=${encodeURIComponent(next)}`}>Log in</Link>
      </p>
    </div>
  );
}
