/**
 * What one person may spend on the tutor: requests per minute and tokens per UTC day, counted by
 * the kit's RateLimiter (Redis between replicas, memory otherwise). Over either limit is a
 * RATE_LIMITED error with the seconds to wait.
 */
import { ErrorCode, graphQLError, type RateLimiter } from '@learncraft/kit';
import { budgetDay } from '../domain/tutor';

export interface UsageLimits {
  requestsPerMinute: number;
  dailyTokenBudget: number;
}

export class UsageGate {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: UsageLimits,
    private readonly now: () => Date,
  ) {}

  /** Counts one request and checks the day's budget; returns the key to `spend` tokens on. */
  async admit(userId: string): Promise<string> {
    const rate = await this.limiter.hit(`ai:requests:${userId}`, {
      limit: this.limits.requestsPerMinute,
      windowSeconds: 60,
    });
    if (!rate.allowed) {
      throw graphQLError(
        ErrorCode.RATE_LIMITED,
        `You are asking the tutor too often; try again in ${rate.retryAfterSeconds} s.`,
        { retryAfterSeconds: rate.retryAfterSeconds, reason: 'REQUEST_RATE' },
      );
    }
    const { day, secondsLeft } = budgetDay(this.now());
    const budgetKey = `ai:tokens:${userId}:${day}`;
    const budget = await this.limiter.peek(budgetKey, this.budgetRule);
    if (!budget.allowed) {
      throw graphQLError(
        ErrorCode.RATE_LIMITED,
        "You have used today's tutor allowance; it renews at midnight UTC.",
        {
          retryAfterSeconds: secondsLeft,
          reason: 'DAILY_TOKEN_BUDGET',
        },
      );
    }
    return budgetKey;
  }

  /** Records tokens a reply used against the budget `admit` returned. */
  async spend(budgetKey: string, tokens: number): Promise<void> {
    if (tokens > 0) await this.limiter.hit(budgetKey, this.budgetRule, tokens);
  }

  private get budgetRule() {
    return { limit: this.limits.dailyTokenBudget, windowSeconds: 86_400 };
  }
}
