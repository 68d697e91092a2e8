/** Log in, then go back to where the learner was (`?next=`), or to My learning. */
import { useApolloClient, useMutation } from '@apollo/client';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useSession, useSessionManager } from '../auth/SessionContext';
import { SessionCreateMutation } from '@learncraft/operations';
import { safeNext } from '../lib/paths';
import { useTitle } from '../lib/useTitle';
import { Field, formText, formErrors, rateLimitMessage } from './authForm';

export default function LoginPage() {
  useTitle('Log in');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const manager = useSessionManager();
  const client = useApolloClient();
  const [login, { data, loading, error }] = useMutation(SessionCreateMutation);

  if (session.status === 'signedIn') return <Navigate to={next} replace />;

  const onSubmit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await login({
      variables: { input: { email: formText(form, 'email'), password: formText(form, 'password') } },
    }).catch(() => null);
    const created = result?.data?.sessionCreate.session;
    if (created) {
      await client.clearStore();
      manager.accept(created);
    }
  };

  const errors = formErrors(data?.sessionCreate.userErrors);
  const limited = rateLimitMessage(error);
  return (
    <div className="page narrow">
      <h1>Log in</h1>
      {session.status === 'anonymous' && session.expired && (
        <p className="notice" role="status">
          Your session has ended. Please log in again.
        </p>
      )}
      <form className="auth-form" onSubmit={(event) => void onSubmit(event)} noValidate={false}>
        <Field label="Email" name="email" type="email" autoComplete="email" />
        <Field label="Password" name="password" type="password" autoComplete="current-password" />
        <p className="form-aside">
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
        {(errors.length > 0 || error) && (
          <p className="form-error" role="alert">
            {limited ?? errors[0] ?? 'Logging in failed. Please try again.'}
          </p>
        )}
        <button type="submit" className="button" disabled={loading}>
          {loading ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p>
        New to LearnCraft? <Link to={`/signup?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </div>
  );
}
