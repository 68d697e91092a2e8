/**
 * The account use cases behind identity's mutations: register, sign in, refresh, sign out. Each
 * validates with domain/ first and writes nothing on bad input; expected failures come back as
 * userErrors. Resolvers only unpack arguments and call one method here.
 */
import type { RateLimiter, UserError } from '@learncraft/kit';
import {
  validateCredentials,
  validateRegistration,
  type CredentialsInput,
  type RegistrationInput,
} from '../domain/accountInput';
import { loginKeys, type LoginLimits } from '../domain/loginLimits';
import {
  generateRefreshToken,
  hashRefreshToken,
  isWellFormedRefreshToken,
  refreshTokenExpiry,
  refreshTokenState,
  successorRefreshToken,
  withinRefreshGrace,
} from '../domain/refreshTokens';
import { identityErrors } from '../domain/userErrors';
import type { AccessTokenSigner } from '../keys';
import { hashPassword, verifyPassword } from '../passwords';
import type { IdentityStores, RefreshTokenRecord, SessionStore, User } from '../stores';

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
  /** Secret successor tokens are derived with (keys.refreshSuccessorSecret). */
  refreshSuccessorSecret: Buffer;
  /** A refresh token presented again this many seconds after its rotation gets the same successor. */
  refreshGraceSeconds: number;
  /** Brute-force protection for sign-in (see domain/loginLimits). */
  loginThrottle: { limiter: RateLimiter; limits: LoginLimits };
  now?: () => Date;
}

type Failure = { userErrors: UserError[] };
/** Too many failed sign-ins for this email: the caller answers RATE_LIMITED. */
export type SignInThrottled = { retryAfterSeconds: number };

export class AccountService {
  private readonly stores: IdentityStores;
  private readonly signAccessToken: AccessTokenSigner;
  private readonly refreshTokenTtlDays: number;
  private readonly refreshSuccessorSecret: Buffer;
  private readonly refreshGraceSeconds: number;
  private readonly loginThrottle: AccountServiceOptions['loginThrottle'];
  private readonly now: () => Date;

  constructor(options: AccountServiceOptions) {
    this.stores = options.stores;
    this.signAccessToken = options.signAccessToken;
    this.refreshTokenTtlDays = options.refreshTokenTtlDays;
    this.refreshSuccessorSecret = options.refreshSuccessorSecret;
    this.refreshGraceSeconds = options.refreshGraceSeconds;
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
   * Three checks before any password is verified: the per-address and per-email failure ceilings
   * (peeked, then counted only on a failure), and the back-off of this (email, address) pair,
   * which counts the attempt and locks the pair before the password check, so parallel guesses
   * cannot slip past the lock; a success unlocks it. Unknown emails are limited exactly like
   * known ones, so the limits reveal nothing about which accounts exist.
   */
  async signIn(
    input: CredentialsInput,
    clientAddress: string | null,
  ): Promise<{ session: Session } | Failure | SignInThrottled> {
    const validated = validateCredentials(input);
    if (!validated.ok) return { userErrors: validated.errors };
    const { email, password } = validated.value;
    const { limiter, limits } = this.loginThrottle;
    const ceilings = [
      { key: loginKeys.address(clientAddress), rule: limits.address },
      { key: loginKeys.email(email), rule: limits.email },
    ];
    const peeked = await Promise.all(ceilings.map(({ key, rule }) => limiter.peek(key, rule)));
    const refused = peeked.filter((result) => !result.allowed);
    if (refused.length > 0)
      return { retryAfterSeconds: Math.max(...refused.map((result) => result.retryAfterSeconds)) };
    const pairKey = loginKeys.pair(email, clientAddress);
    const attempt = await limiter.hitBackoff(pairKey, limits.pair);
    if (!attempt.allowed) return { retryAfterSeconds: attempt.retryAfterSeconds };

    const account = await this.stores.users.credentialsByEmail(email);
    // Runs argon2 even without an account, so both failures take the same time.
    const matches = await verifyPassword(account?.passwordHash ?? null, password);
    if (!account || !matches) {
      await Promise.all(ceilings.map(({ key, rule }) => limiter.hit(key, rule)));
      return { userErrors: [identityErrors.invalidCredentials()] };
    }
    await limiter.reset(pairKey);
    const refresh = await this.storeRefreshToken(this.stores.sessions, account.user.id);
    return { session: await this.session(account.user, refresh) };
  }

  /**
   * Rotates the token into its successor. The same token presented again within the grace window
   * (a retried or double-fired refresh) gets that same successor while it is unused; later, or
   * once the successor was used itself, it counts as theft and ends the whole family.
   */
  async refresh(refreshToken: string): Promise<{ session: Session } | Failure> {
    if (!isWellFormedRefreshToken(refreshToken))
      return { userErrors: [identityErrors.invalidRefreshToken()] };
    const tokenHash = hashRefreshToken(refreshToken);
    const now = this.now();
    const token = successorRefreshToken(this.refreshSuccessorSecret, refreshToken);
    const rotation = await this.stores.sessions.rotate(tokenHash, {
      tokenHash: hashRefreshToken(token),
      expiresAt: refreshTokenExpiry(now, this.refreshTokenTtlDays),
      now,
    });
    const successor = rotation?.next ?? (await this.retriedSuccessor(tokenHash, token, now));
    if ('userErrors' in successor) return successor;
    // Roles are read afresh, so a role change reaches the next access token.
    const user = await this.stores.users.byId(successor.userId);
    if (!user) return { userErrors: [identityErrors.invalidRefreshToken()] };
    return { session: await this.session(user, { token, ...successor }) };
  }

  /** The successor for a token that did not rotate: a retry within the grace window, or a failure. */
  private async retriedSuccessor(
    tokenHash: string,
    token: string,
    now: Date,
  ): Promise<RefreshTokenRecord | Failure> {
    const presented = await this.stores.sessions.byHash(tokenHash);
    if (!presented || refreshTokenState(presented, now) !== 'reused')
      return { userErrors: [identityErrors.invalidRefreshToken()] };
    if (presented.usedAt && withinRefreshGrace(presented.usedAt, now, this.refreshGraceSeconds)) {
      const successor = await this.stores.sessions.byHash(hashRefreshToken(token));
      if (successor?.familyId === presented.familyId && refreshTokenState(successor, now) === 'active')
        return successor;
    }
    await this.stores.sessions.revokeFamily(presented.familyId, now);
    return { userErrors: [identityErrors.refreshTokenReused()] };
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
    const record = await sessions.insert({ userId, tokenHash: hashRefreshToken(token), expiresAt, now });
    return { token, expiresAt, familyId: record.familyId };
  }

  private async session(
    user: User,
    refresh: { token: string; expiresAt: Date; familyId: string },
  ): Promise<Session> {
    const access = await this.signAccessToken(user.id, user.roles, {
      issuedAt: this.now(),
      sessionId: refresh.familyId,
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
      user,
    };
  }
}
