/**
 * Money: integer minor units and an ISO 4217 currency, never a float. Which codes exist and how
 * many minor digits each has come from the runtime's ICU data (Intl), not a hand-kept table.
 *
 * Arithmetic here is exact integer arithmetic on minor units; nothing rounds. Rounding happens
 * only where a rule divides an amount (pricing.ts, revenue.ts), and each says how.
 */
export interface Money {
  /** Minor units (cents for USD); a safe integer. */
  amount: number;
  /** Upper-case ISO 4217 code. */
  currency: string;
}

/** The largest amount one price, line or order may have, in minor units (999,999.99 in USD). */
export const MAX_AMOUNT = 99_999_999;

export type MoneyProblem = { code: 'INVALID_AMOUNT' | 'UNKNOWN_CURRENCY'; message: string };

let knownCurrencies: ReadonlySet<string> | null = null;

/** Whether `code` is an ISO 4217 currency the runtime knows; case does not matter (`usd` is USD). */
export function isCurrency(code: string): boolean {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return knownCurrencies.has(code.toUpperCase());
}

/**
 * Validates an amount and a currency from outside (an input, a provider's event): the amount a
 * safe integer in 1..MAX_AMOUNT (0..MAX_AMOUNT with `allowZero`), the currency known to Intl.
 * The currency comes back upper case.
 */
export function parseMoney(
  input: { amount: number; currency: string },
  options: { allowZero?: boolean } = {},
): { ok: true; money: Money } | ({ ok: false } & MoneyProblem) {
  const minimum = options.allowZero ? 0 : 1;
  if (!Number.isSafeInteger(input.amount) || input.amount < minimum || input.amount > MAX_AMOUNT) {
    return {
      ok: false,
      code: 'INVALID_AMOUNT',
      message: `The amount must be a whole number of minor units from ${minimum} to ${MAX_AMOUNT}.`,
    };
  }
  if (!isCurrency(input.currency)) {
    return {
      ok: false,
      code: 'UNKNOWN_CURRENCY',
      message: `${JSON.stringify(input.currency)} is not an ISO 4217 currency code.`,
    };
  }
  return { ok: true, money: { amount: input.amount, currency: input.currency.toUpperCase() } };
}

function currencyFormat(currency: string, locale = 'en-US'): Intl.NumberFormat {
  if (!isCurrency(currency)) throw new RangeError(`Unknown currency ${JSON.stringify(currency)}.`);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
}

/** How many minor digits the currency has (USD 2, JPY 0, BHD 3). Throws RangeError on an unknown code. */
export function minorDigits(currency: string): number {
  return currencyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The amount as people read it, e.g. "$49.00" (en-US) or "¥500". Exact: no float division. */
export function formatMoney(money: Money, locale = 'en-US'): string {
  const digits = minorDigits(money.currency);
  const sign = money.amount < 0 ? '-' : '';
  const units = String(Math.abs(money.amount)).padStart(digits + 1, '0');
  const decimal = digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
  // A decimal string is formatted exactly (Intl.NumberFormat v3), unlike amount / 10 ** digits.
  return currencyFormat(money.currency, locale).format(`${sign}${decimal}` as Intl.StringNumericLiteral);
}

export function zeroMoney(currency: string): Money {
  return { amount: 0, currency: currency.toUpperCase() };
}

/** a + b. Adding two currencies is a programming error: it throws RangeError. */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) {
    throw new RangeError(`Cannot add ${a.currency} to ${b.currency}.`);
  }
  return { amount: a.amount + b.amount, currency: a.currency };
}

/** One total per currency, largest amount first (equal amounts: by currency code). */
export function sumByCurrency(items: Money[]): Money[] {
  const totals = new Map<string, Money>();
  for (const item of items) {
    const total = totals.get(item.currency);
    totals.set(item.currency, total ? addMoney(total, item) : { ...item });
  }
  return [...totals.values()].sort(
    (a, b) => b.amount - a.amount || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0),
  );
}
