/**
 * Money: integer minor units and an ISO 4217 currency, never a float. Which codes exist and how
 * many minor digits each has come from the runtime's ICU data (Intl), not a hand-kept table.
 */
export interface Money {
  /** Minor units (cents for USD); a safe integer. */
  amount: number;
  /** Upper-case ISO 4217 code. */
  currency: string;
}
