/** Log in and sign up: the session handed to the session manager, and userErrors where they belong. */
import { screen, userEvent } from '@testing-library/react-native';
import LoginScreen from '../../src/screens/LoginScreen';
import SignupScreen from '../../src/screens/SignupScreen';
import { expectEveryControlLabelled } from './a11y';
import { rateLimited, sessionPayload } from './fixtures';
import { renderScreen } from './harness';
import { ANONYMOUS } from './stubs/session';

jest.mock('../../src/auth/SessionContext', () => jest.requireActual('./stubs/session'), { virtual: true });
jest.mock('../../src/offline/DownloadsContext', () => jest.requireActual('./stubs/downloads'), {
  virtual: true,
});

describe('LoginScreen', () => {
  test('logging in hands the new session to the session manager and opens the dashboard', async () => {
    const user = userEvent.setup();
    const sessionCreate = jest.fn((_args: unknown) => ({ session: sessionPayload(), userErrors: [] }));
    const { session } = await renderScreen('Login', LoginScreen, undefined, {
      session: ANONYMOUS,
      resolvers: { Mutation: { sessionCreate: (args: unknown) => sessionCreate(args) } },
    });
    expectEveryControlLabelled();

    await user.type(screen.getByLabelText('Email'), ' ada@example.com ');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.press(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByText('Opened Tabs {"screen":"Dashboard"}')).toBeOnTheScreen();
    expect(sessionCreate).toHaveBeenCalledWith({
      input: { email: 'ada@example.com', password: 'correct horse battery' },
    });
    expect(session.accept).toHaveBeenCalledTimes(1);
    expect(session.accept.mock.calls[0]?.[0]).toMatchObject({
      accessToken: 'new-access-token',
      refreshToken: 'new-refresh-token',
      user: { id: 'user-1', displayName: 'Ada Learner' },
    });
  });

  test('a refused log-in shows the server’s message and adopts no session', async () => {
    const user = userEvent.setup();
    const { session } = await renderScreen('Login', LoginScreen, undefined, {
      session: ANONYMOUS,
      resolvers: {
        Mutation: {
          sessionCreate: () => ({
            session: null,
            userErrors: [
              { code: 'INVALID_CREDENTIALS', message: 'The email or password is not right.', field: null },
            ],
          }),
        },
      },
    });
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong password');
    await user.press(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByText('The email or password is not right.')).toBeOnTheScreen();
    expect(session.accept).not.toHaveBeenCalled();
  });

  test('a rate-limited log-in says how long to wait', async () => {
    const user = userEvent.setup();
    await renderScreen('Login', LoginScreen, undefined, {
      session: ANONYMOUS,
      resolvers: {
        Mutation: {
          sessionCreate: () => {
            throw rateLimited(61);
          },
        },
      },
    });
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'guess');
    await user.press(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByText('Too many attempts — try again in 2 min.')).toBeOnTheScreen();
  });

  test('an ended session is explained above the form', async () => {
    await renderScreen('Login', LoginScreen, undefined, { session: { status: 'anonymous', expired: true } });
    expect(screen.getByText('Your session has ended. Please log in again.')).toBeOnTheScreen();
  });
});

describe('SignupScreen', () => {
  test('each userError shows under the field it names, the others above the button', async () => {
    const user = userEvent.setup();
    const { session } = await renderScreen('Signup', SignupScreen, undefined, {
      session: ANONYMOUS,
      resolvers: {
        Mutation: {
          userRegister: () => ({
            session: null,
            userErrors: [
              {
                code: 'EMAIL_TAKEN',
                message: 'An account with this email exists.',
                field: ['input', 'email'],
              },
              {
                code: 'PASSWORD_TOO_SHORT',
                message: 'Use at least 10 characters.',
                field: ['input', 'password'],
              },
              { code: 'SIGNUP_CLOSED', message: 'Sign-ups are paused for maintenance.', field: null },
            ],
          }),
        },
      },
    });
    expectEveryControlLabelled();
    await user.type(screen.getByLabelText('Display name'), 'Ada');
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.press(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByText('An account with this email exists.')).toBeOnTheScreen();
    expect(screen.getByText('Use at least 10 characters.')).toBeOnTheScreen();
    expect(screen.getByText('Sign-ups are paused for maintenance.')).toBeOnTheScreen();
    expect(
      screen.queryByText(
        'At least 10 characters; not a common password, and not containing the part before the @.',
      ),
    ).not.toBeOnTheScreen();
    expect(session.accept).not.toHaveBeenCalled();
  });

  test('signing up adopts the session it returns', async () => {
    const user = userEvent.setup();
    const userRegister = jest.fn((_args: unknown) => ({ session: sessionPayload(), userErrors: [] }));
    const { session } = await renderScreen('Signup', SignupScreen, undefined, {
      session: ANONYMOUS,
      resolvers: { Mutation: { userRegister: (args: unknown) => userRegister(args) } },
    });
    await user.type(screen.getByLabelText('Display name'), 'Ada Learner');
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'a long enough passphrase');
    await user.press(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByText('Opened Tabs {"screen":"Dashboard"}')).toBeOnTheScreen();
    expect(userRegister).toHaveBeenCalledWith({
      input: { displayName: 'Ada Learner', email: 'ada@example.com', password: 'a long enough passphrase' },
    });
    expect(session.accept).toHaveBeenCalledTimes(1);
  });
});
