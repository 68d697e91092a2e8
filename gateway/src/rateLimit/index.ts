/** Cost-based rate limits of the gateway: subjects, points, the limiter and where it applies. */
export { operationPoints, pointsForEstimate, RATE_LIMIT_FIELD } from './cost';
export {
  CostRateLimiter,
  type Admission,
  type CostRateLimiterOptions,
  type ExceededLimit,
  type RateLimitBudgets,
} from './limiter';
export { RateLimitGate, rateLimitHeaders, rateLimitedError, type RateLimitedContext } from './gate';
export {
  rateLimitSubjectOf,
  subjectKey,
  type RateLimitBudget,
  type RateLimitSubject,
  type VerifiedApiKey,
  type VerifiedRequest,
} from './subject';
export { rateLimitGateFor } from './fromConfig';
