/**
 * An operation's rate-limit cost in points, from the same estimate the operation limits use (the
 * kit's `operationCost`: every field 1, subtrees multiplied by the requested `first`/`last`). That
 * estimate counts every field, where GitHub counts only the connections it must fetch, so it is
 * scaled down: one point per `unitsPerPoint` units, rounded up, at least 1 (like GitHub, asking for
 * anything, even only `rateLimit`, costs a point).
 */
import { Kind, type OperationDefinitionNode } from 'graphql';

export const RATE_LIMIT_FIELD = 'rateLimit';

export function pointsForEstimate(estimate: number, unitsPerPoint: number): number {
  return Math.max(1, Math.ceil(estimate / unitsPerPoint));
}

/** The operation's points; one that selects only `rateLimit` (and `__typename`) costs 1. */
export function operationPoints(
  operation: OperationDefinitionNode,
  estimate: number,
  unitsPerPoint: number,
): number {
  const onlyRateLimit = operation.selectionSet.selections.every(
    (selection) =>
      selection.kind === Kind.FIELD &&
      (selection.name.value === RATE_LIMIT_FIELD || selection.name.value === '__typename'),
  );
  return onlyRateLimit ? 1 : pointsForEstimate(estimate, unitsPerPoint);
}
