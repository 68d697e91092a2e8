/**
 * Money in forms: people type decimal text ("49.99"), the API takes integer minor units (4999).
 * The conversion works on the digits of the text, never through a float, with the currency's
 * number of minor digits from Intl (USD 2, JPY 0).
 */

/** The API's largest amount (commerce's MAX_AMOUNT), in minor units. */
export const MAX_AMOUNT = 99_999_999;

/** How many minor digits the currency has (USD 2, JPY 0); 2 when Intl does not know it. */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

export type AmountParse = { ok: true; amount: number | null } | { ok: false; message: string };

/**
 * Decimal text to minor units: "49.99" USD → 4999, "49" → 4900, "" → null (free). Refuses a
 * negative or zero amount, more decimals than the currency has, anything but digits and one
 * point, and amounts above MAX_AMOUNT.
 */
export function parseAmount(text: string, currency: string): AmountParse {
  const value = text.trim();
  if (value === '') return { ok: true, amount: null };
  const digits = minorDigits(currency);
  const match = /^(\d+)(?:\.(\d*))?$/.exec(value);
  if (!match) return { ok: false, message: 'Enter an amount like 49.99, or leave it empty for free.' };
  const [, whole, fraction = ''] = match;
  if (fraction.length > digits)
    return {
      ok: false,
      message:
        digits === 0
          ? `${currency} amounts have no decimals.`
          : `${currency} amounts have at most ${digits} decimals.`,
    };
  const minor = whole + fraction.padEnd(digits, '0');
  const amount = Number(minor.replace(/^0+(?=\d)/, ''));
  if (amount === 0) return { ok: false, message: 'Enter an amount above zero, or leave it empty for free.' };
  if (!Number.isSafeInteger(amount) || amount > MAX_AMOUNT)
    return { ok: false, message: `That is more than the largest price allowed.` };
  return { ok: true, amount };
}

/** Minor units back to the form's text: 4999 USD → "49.99", 500 JPY → "500". */
export function amountText(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amount);
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  return `${amount < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
