/**
 * @jest-environment jsdom
 *
 * Log-in and password reset pages: the retry time of a RATE_LIMITED log-in, the "Forgot
 * password?" link, requesting a reset link (the same confirmation for any email), and choosing a
 * new password with the token from the mail, with password-policy errors shown at the field.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import { MemoryRouter, Route, Routes } from 'react-router';
import { SessionContext } from '../../src/auth/SessionContext';
import { SessionManager } from '../../src/auth/session';
import {
  PasswordResetCompleteMutation,
  PasswordResetRequestMutation,
  SessionCreateMutation,
  UserRegisterMutation,
} from '@learncraft/operations';
import ForgotPasswordPage from '../../src/pages/ForgotPasswordPage';
import LoginPage from '../../src/pages/LoginPage';
import ResetPasswordPage from '../../src/pages/ResetPasswordPage';
import SignupPage from '../../src/pages/SignupPage';

const TOKEN = 'a'.repeat(43);

function renderAt(path: string, mocks: MockedResponse[]) {
  window.localStorage.clear();
  const manager = new SessionManager('https://learncraft.example/graphql');
  return render(
    <MockedProvider mocks={mocks}>
      <SessionContext.Provider value={manager}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<SignupPage />} />
            <Route path="/forgot-password" element={<ForgotPasswordPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
          </Routes>
        </MemoryRouter>
      </SessionContext.Provider>
    </MockedProvider>,
  );
}

const rateLimited = (retryAfterSeconds: number) => ({
  errors: [
    new GraphQLError(`Too many requests; retry in ${retryAfterSeconds} s.`, {
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
    }),
  ],
});

describe('LoginPage', () => {
  const input = { email: 'ana@example.com', password: 'wrong password entirely' };
  const logIn = async () => {
    await userEvent.type(screen.getByLabelText('Email'), input.email);
    await userEvent.type(screen.getByLabelText('Password'), input.password);
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
  };

  it('shows when to try again after a RATE_LIMITED answer', async () => {
    renderAt('/login', [
      { request: { query: SessionCreateMutation, variables: { input } }, result: rateLimited(120) },
    ]);
    await logIn();
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts — try again in 2 min.');
  });

  it('rounds a wait of 30 s to seconds', async () => {
    renderAt('/login', [
      { request: { query: SessionCreateMutation, variables: { input } }, result: rateLimited(30) },
    ]);
    await logIn();
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts — try again in 30 s.');
  });

  it('still shows a wrong password as the userError message', async () => {
    renderAt('/login', [
      {
        request: { query: SessionCreateMutation, variables: { input } },
        result: {
          data: {
            sessionCreate: {
              __typename: 'SessionCreatePayload',
              session: null,
              userErrors: [
                {
                  __typename: 'UserError',
                  code: 'INVALID_CREDENTIALS',
                  message: 'The email address or password is incorrect.',
                  field: null,
                },
              ],
            },
          },
        },
      },
    ]);
    await logIn();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The email address or password is incorrect.',
    );
  });

  it('links to the forgotten-password page', () => {
    renderAt('/login', []);
    expect(screen.getByRole('link', { name: 'Forgot password?' }).getAttribute('href')).toBe(
      '/forgot-password',
    );
  });
});

describe('ForgotPasswordPage', () => {
  const requestMock = (email: string, result: MockedResponse['result']): MockedResponse => ({
    request: { query: PasswordResetRequestMutation, variables: { input: { email } } },
    result,
  });

  it('confirms the request without saying whether the account exists', async () => {
    renderAt('/forgot-password', [
      requestMock('ana@example.com', {
        data: {
          passwordResetRequest: {
            __typename: 'PasswordResetRequestPayload',
            requested: true,
            userErrors: [],
          },
        },
      }),
    ]);
    await userEvent.type(screen.getByLabelText('Email'), 'ana@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'If an account uses ana@example.com, we have sent it a link to choose a new password. The link works once, for 30 minutes.',
    );
    expect(screen.getByRole('heading', { name: 'Check your email' })).toBeTruthy();
  });

  it('shows when to try again after a RATE_LIMITED answer', async () => {
    renderAt('/forgot-password', [requestMock('ana@example.com', rateLimited(3600))]);
    await userEvent.type(screen.getByLabelText('Email'), 'ana@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts — try again in 1 h.');
  });
});

describe('ResetPasswordPage', () => {
  const completeMock = (newPassword: string, payload: Record<string, unknown>): MockedResponse => ({
    request: { query: PasswordResetCompleteMutation, variables: { input: { token: TOKEN, newPassword } } },
    result: { data: { passwordResetComplete: { __typename: 'PasswordResetCompletePayload', ...payload } } },
  });
  const submit = async (password: string) => {
    await userEvent.type(screen.getByLabelText(/^New password/), password);
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));
  };

  it('shows a password-policy error at the new-password field', async () => {
    const message =
      'This password is one of the most common passwords found in data breaches. Choose another.';
    renderAt(`/reset-password?token=${TOKEN}`, [
      completeMock('password123', {
        user: null,
        userErrors: [
          { __typename: 'UserError', code: 'BREACHED_PASSWORD', message, field: ['input', 'newPassword'] },
        ],
      }),
    ]);
    await submit('password123');
    const field = screen.getByLabelText(/^New password/);
    expect((await screen.findByText(message)).id).toBe('newPassword-error');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toBe('newPassword-error');
  });

  it('confirms the change and links to log in', async () => {
    renderAt(`/reset-password?token=${TOKEN}`, [
      completeMock('a brand new passphrase', {
        user: { __typename: 'User', id: 'VXNlcjox' },
        userErrors: [],
      }),
    ]);
    await submit('a brand new passphrase');
    expect((await screen.findByRole('status')).textContent).toContain('Your new password is set');
    expect(screen.getByRole('link', { name: 'Log in' }).getAttribute('href')).toBe('/login');
  });

  it('offers a new link when the token is invalid, expired or used', async () => {
    renderAt(`/reset-password?token=${TOKEN}`, [
      completeMock('a brand new passphrase', {
        user: null,
        userErrors: [
          {
            __typename: 'UserError',
            code: 'INVALID_RESET_TOKEN',
            message: 'This password reset link is invalid, expired or already used. Request a new one.',
            field: ['input', 'token'],
          },
        ],
      }),
    ]);
    await submit('a brand new passphrase');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This reset link is invalid, expired or already used. Request a new one.',
    );
    expect(screen.getByRole('link', { name: 'Request a new one' }).getAttribute('href')).toBe(
      '/forgot-password',
    );
  });

  it('explains a link without a token instead of showing the form', () => {
    renderAt('/reset-password', []);
    expect(screen.queryByLabelText(/^New password/)).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('This link has no reset token.');
  });
});

describe('SignupPage', () => {
  it('shows PASSWORD_CONTAINS_EMAIL at the password field', async () => {
    const message = 'Passwords cannot contain your email address or the part before the @.';
    const input = { displayName: 'Ana', email: 'ana.lopez@example.com', password: 'ana.lopez-2030' };
    renderAt('/signup', [
      {
        request: { query: UserRegisterMutation, variables: { input } },
        result: {
          data: {
            userRegister: {
              __typename: 'UserRegisterPayload',
              session: null,
              userErrors: [
                {
                  __typename: 'UserError',
                  code: 'PASSWORD_CONTAINS_EMAIL',
                  message,
                  field: ['input', 'password'],
                },
              ],
            },
          },
        },
      },
    ]);
    await userEvent.type(screen.getByLabelText('Name'), input.displayName);
    await userEvent.type(screen.getByLabelText('Email'), input.email);
    await userEvent.type(screen.getByLabelText(/^Password/), input.password);
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect((await screen.findByText(message)).id).toBe('password-error');
    expect(screen.getByLabelText(/^Password/).getAttribute('aria-invalid')).toBe('true');
  });
});
