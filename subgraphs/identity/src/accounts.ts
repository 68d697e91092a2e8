/**
 * The account use cases behind identity's mutations: register, sign in, refresh, sign out. Each
 * validates with domain/ first and writes nothing on bad input; expected failures come back as
 * userErrors. Resolvers only unpack arguments and call one method here.
 */
import { createHash } from 'node:crypto';
import type { RateLimiter, RateLimitRule, UserError } from '@learncraft/kit';
import {
  validateCredentials,
  validateRegistration,
  type CredentialsInput,
  type RegistrationInput,
} from './domain/accountInput';
import {
  generateRefreshToken,
  hashRefreshToken,
  isWellFormedRefreshToken,
  refreshTokenExpiry,
  refreshTokenState,
} from './domain/refreshTokens';
import { identityErrors } from './domain/userErrors';
import type { AccessTokenSigner } from './keys';
import { hashPassword, verifyPassword } from './passwords';
import type { IdentityStores, SessionStore, User } from './stores';

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: User;
}

export interface AccountServiceOptions {
  stores: IdentityStores;
  signAccessToken: AccessTokenSigner;
  refreshTokenTtlDays: number;
  /** Brute-force protection for sign-in: failed attempts per email within a fixed window. */
  loginThrottle: { limiter: RateLimiter; rule: RateLimitRule };
  now?: () => Date;
}

type Failure = { userErrors: UserError[] };
/** Too many failed sign-ins for this email: the caller answers RATE_LIMITED. */
export type SignInThrottled = { retryAfterSeconds: number };

export class AccountService {
  private readonly stores: IdentityStores;
  private readonly signAccessToken: AccessTokenSigner;
  private readonly refreshTokenTtlDays: number;
  private readonly loginThrottle: AccountServiceOptions['loginThrottle'];
  private readonly now: () => Date;

  constructor(options: AccountServiceOptions) {
    this.stores = options.stores;
    this.signAccessToken = options.signAccessToken;
    this.refreshTokenTtlDays = options.refreshTokenTtlDays;
    this.loginThrottle = options.loginThrottle;
    this.now = options.now ?? (() => new Date());
  }

  async register(input: RegistrationInput): Promise<{ user: User; session: Session } | Failure> {
    const validated = validateRegistration(input);
    if (!validated.ok) return { userErrors: validated.errors };
    const { email, password, displayName } = validated.value;
    // Checked before hashing so a duplicate costs no argon2 run; the insert below still decides.
    if (await this.stores.users.byEmail(email)) return { userErrors: [identityErrors.emailTaken()] };
    const passwordHash = await hashPassword(password);

    const created = await this.stores.transaction(async (tx) => {
      const user = await tx.users.insert({ email, passwordHash, displayName, roles: ['LEARNER'] });
      if (!user) return null;
      return { user, refresh: await this.storeRefreshToken(tx.sessions, user.id) };
    });
    if (!created) return { userErrors: [identityErrors.emailTaken()] };
    return { user: created.user, session: await this.session(created.user, created.refresh) };
  }

  /**
   * Every attempt is counted before the password is checked, so checking and counting are one
   * atomic step and parallel guesses cannot overshoot the limit; a success resets the count, so in
   * effect only failures add up. Keyed by email whether or not an account has it, so the limit
   * reveals nothing about which accounts exist.
   */
  async signIn(input: CredentialsInput): Promise<{ session: Session } | Failure | SignInThrottled> {
    const validated = validateCredentials(input);
    if (!validated.ok) return { userErrors: validated.errors };
    const { email, password } = validated.value;
    const throttleKey = loginThrottleKey(email);
    const attempt = await this.loginThrottle.limiter.hit(throttleKey, this.loginThrottle.rule);
    if (!attempt.allowed) return { retryAfterSeconds: attempt.retryAfterSeconds };
    const account = await this.stores.users.credentialsByEmail(email);
    // Runs argon2 even without an account, so both failures take the same time.
    const matches = await verifyPassword(account?.passwordHash ?? null, password);
    if (!account || !matches) return { userErrors: [identityErrors.invalidCredentials()] };
    await this.loginThrottle.limiter.reset(throttleKey);
    const refresh = await this.storeRefreshToken(this.stores.sessions, account.user.id);
    return { session: await this.session(account.user, refresh) };
  }

  async refresh(refreshToken: string): Promise<{ session: Session } | Failure> {
    if (!isWellFormedRefreshToken(refreshToken))
      return { userErrors: [identityErrors.invalidRefreshToken()] };
    const tokenHash = hashRefreshToken(refreshToken);
    const now = this.now();
    const token = generateRefreshToken();
    const expiresAt = refreshTokenExpiry(now, this.refreshTokenTtlDays);
    const rotation = await this.stores.sessions.rotate(tokenHash, {
      tokenHash: hashRefreshToken(token),
      expiresAt,
      now,
    });

    if (!rotation) {
      const presented = await this.stores.sessions.byHash(tokenHash);
      if (presented && refreshTokenState(presented, now) === 'reused') {
        await this.stores.sessions.revokeFamily(presented.familyId, now);
        return { userErrors: [identityErrors.refreshTokenReused()] };
      }
      return { userErrors: [identityErrors.invalidRefreshToken()] };
    }
    // Roles are read afresh, so a role change reaches the next access token.
    const user = await this.stores.users.byId(rotation.next.userId);
    if (!user) return { userErrors: [identityErrors.invalidRefreshToken()] };
    return { session: await this.session(user, { token, expiresAt }) };
  }

  /** Signs out every token of the presented token's family; repeating it is harmless. */
  async revoke(refreshToken: string): Promise<{ revoked: boolean; userErrors: UserError[] }> {
    const presented = isWellFormedRefreshToken(refreshToken)
      ? await this.stores.sessions.byHash(hashRefreshToken(refreshToken))
      : null;
    if (!presented) return { revoked: false, userErrors: [identityErrors.invalidRefreshToken()] };
    await this.stores.sessions.revokeFamily(presented.familyId, this.now());
    return { revoked: true, userErrors: [] };
  }

  private async storeRefreshToken(sessions: SessionStore, userId: string) {
    const now = this.now();
    const token = generateRefreshToken();
    const expiresAt = refreshTokenExpiry(now, this.refreshTokenTtlDays);
    await sessions.insert({ userId, tokenHash: hashRefreshToken(token), expiresAt, now });
    return { token, expiresAt };
  }

  private async session(user: User, refresh: { token: string; expiresAt: Date }): Promise<Session> {
    const access = await this.signAccessToken(user.id, user.roles, { issuedAt: this.now() });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
      user,
    };
  }
}

/** Hashed so the shared limiter store (Redis) never holds email addresses. */
function loginThrottleKey(normalisedEmail: string): string {
  return `identity:login:${createHash('sha256').update(normalisedEmail).digest('hex')}`;
}
