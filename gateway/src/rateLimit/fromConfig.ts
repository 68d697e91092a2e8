/** The gateway's rate limits from its configuration (RATE_LIMIT_*, REDIS_URL); null when disabled. */
import type { Logger } from '@learncraft/kit';
import type { GatewayConfig } from '../config';
import { RateLimitGate } from './gate';
import { CostRateLimiter } from './limiter';

export async function rateLimitGateFor(config: GatewayConfig, logger: Logger): Promise<RateLimitGate | null> {
  if (!config.RATE_LIMIT_ENABLED) return null;
  const limiter = await CostRateLimiter.create({
    redisUrl: config.REDIS_URL,
    keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
    logger,
    budgets: {
      apiKey: {
        pointsPerHour: config.RATE_LIMIT_API_KEY_POINTS_PER_HOUR,
        pointsPerMinute: config.RATE_LIMIT_API_KEY_POINTS_PER_MINUTE,
        maxConcurrent: config.RATE_LIMIT_API_KEY_MAX_CONCURRENT,
      },
      user: {
        pointsPerHour: config.RATE_LIMIT_USER_POINTS_PER_HOUR,
        pointsPerMinute: config.RATE_LIMIT_USER_POINTS_PER_MINUTE,
        maxConcurrent: config.RATE_LIMIT_USER_MAX_CONCURRENT,
      },
      address: {
        pointsPerHour: config.RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR,
        pointsPerMinute: config.RATE_LIMIT_ANONYMOUS_POINTS_PER_MINUTE,
        maxConcurrent: config.RATE_LIMIT_ANONYMOUS_MAX_CONCURRENT,
      },
    },
  });
  return new RateLimitGate(limiter, config.RATE_LIMIT_COST_UNITS_PER_POINT);
}
