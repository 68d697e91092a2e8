/**
 * The password-reset use cases: request a link by email (the same answer whether or not an account
 * has the email, throttled per email and client address) and complete it with a new password (a
 * single-use token, stored hashed, that ends every session of the account).
 */
import type { Logger, RateLimiter, UserError } from '@learncraft/kit';
import { checkEmail, checkNewPassword, normaliseEmail } from '../domain/accountInput';
import { passwordResetKeys, type PasswordResetLimits } from '../domain/loginLimits';
import { generateRefreshToken, hashRefreshToken, isWellFormedRefreshToken } from '../domain/refreshTokens';
import { identityErrors, NEW_PASSWORD_FIELD } from '../domain/userErrors';
import type { Mailer } from '../mail';
import { hashPassword } from '../passwords';
import type { IdentityStores, User } from '../stores';

export interface PasswordResetServiceOptions {
  stores: IdentityStores;
  mailer: Mailer;
  limiter: RateLimiter;
  limits: PasswordResetLimits;
  ttlMinutes: number;
  /** The web app's origin; links are `<webAppUrl>/reset-password?token=...`. */
  webAppUrl: string;
  logger: Logger;
  now?: () => Date;
}

type Failure = { userErrors: UserError[] };
export type ResetThrottled = { retryAfterSeconds: number };

export class PasswordResetService {
  private readonly now: () => Date;
  /** Reset links still being stored and mailed; `idle` waits for them. */
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly options: PasswordResetServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Does the same work for every email up to the account lookup and answers right after it; the
   * token is stored and the mail sent in the background, so neither the answer nor its timing
   * tells whether an account exists.
   */
  async request(
    input: { email: string },
    clientAddress: string | null,
  ): Promise<{ requested: true } | Failure | ResetThrottled> {
    const email = normaliseEmail(input.email);
    const emailError = checkEmail(email);
    if (emailError) return { userErrors: [emailError] };
    const { limiter, limits } = this.options;
    const [byAddress, byEmail] = await Promise.all([
      limiter.hit(passwordResetKeys.address(clientAddress), limits.address),
      limiter.hit(passwordResetKeys.email(email), limits.email),
    ]);
    if (!byAddress.allowed || !byEmail.allowed)
      return { retryAfterSeconds: Math.max(byAddress.retryAfterSeconds, byEmail.retryAfterSeconds) };

    const user = await this.options.stores.users.byEmail(email);
    if (user) this.inBackground(this.sendLink(user));
    return { requested: true };
  }

  async complete(input: { token: string; newPassword: string }): Promise<{ user: User } | Failure> {
    const invalid = { userErrors: [identityErrors.invalidResetToken()] };
    if (!isWellFormedRefreshToken(input.token)) return invalid;
    const tokenHash = hashRefreshToken(input.token);
    const { stores } = this.options;
    const pending = await stores.passwordResets.activeByHash(tokenHash, this.now());
    const user = pending && (await stores.users.byId(pending.userId));
    if (!user) return invalid;
    const passwordError = checkNewPassword(input.newPassword, user.email, NEW_PASSWORD_FIELD);
    if (passwordError) return { userErrors: [passwordError] };
    const passwordHash = await hashPassword(input.newPassword);

    const now = this.now();
    const changed = await stores.transaction(async (tx) => {
      // The conditional update decides between two concurrent completions with one token.
      if (!(await tx.passwordResets.use(tokenHash, now))) return false;
      await tx.users.updatePasswordHash(user.id, passwordHash);
      await tx.passwordResets.useAllOfUser(user.id, now);
      await tx.sessions.revokeAllOfUser(user.id, now);
      return true;
    });
    return changed ? { user } : invalid;
  }

  /** Resolves once every reset link in flight has been stored and mailed (or has failed and been logged). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  private inBackground(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => this.options.logger.error('sending a password reset link failed', { error }))
      .finally(() => this.sending.delete(tracked));
    this.sending.add(tracked);
  }

  private async sendLink(user: User): Promise<void> {
    const { stores, ttlMinutes, webAppUrl, mailer } = this.options;
    const now = this.now();
    const token = generateRefreshToken();
    await stores.passwordResets.insert({
      userId: user.id,
      tokenHash: hashRefreshToken(token),
      expiresAt: new Date(now.getTime() + ttlMinutes * 60_000),
      now,
    });
    const link = `${webAppUrl.replace(/\/+$/, '')}/reset-password?token=${token}`;
    await mailer.send({
      to: user.email,
      subject: 'Reset your LearnCraft password',
      text: [
        `Hello ${user.displayName},`,
        '',
        'Someone (hopefully you) asked to reset the password of your LearnCraft account.',
        `Open this link within ${ttlMinutes} minutes to choose a new password:`,
        '',
        link,
        '',
        'The link works once. Setting a new password signs you out everywhere.',
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ].join('\n'),
    });
  }
}
