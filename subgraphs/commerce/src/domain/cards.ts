/**
 * Test-card checks for the built-in test provider: what a card form would refuse before any
 * charge. Months are compared in UTC: a card is valid through the last day of its expiry month.
 */
import type { TestCard } from '../providers/types';

export type CardProblemCode = 'INVALID_CARD_NUMBER' | 'CARD_EXPIRED' | 'INVALID_EXPIRY' | 'INVALID_CVC';

type CardProblem = { ok: false; code: CardProblemCode; message: string; field: keyof TestCard };

function problem(code: CardProblemCode, field: keyof TestCard, message: string): CardProblem {
  return { ok: false, code, message, field };
}

/** The Luhn checksum (every second digit from the right doubled) is a multiple of 10. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Checks, in order: the number (digits once spaces and dashes are removed, 12 to 19 of them,
 * Luhn), the month (1..12), the year (four digits), not expired (before now's month), the CVC (3
 * or 4 digits). `field` names the TestCardInput field at fault.
 */
export function checkCard(
  card: TestCard,
  now: Date,
): { ok: true; digits: string; last4: string } | CardProblem {
  const digits = card.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits) || !passesLuhn(digits)) {
    return problem('INVALID_CARD_NUMBER', 'number', 'The card number is not valid.');
  }
  if (!Number.isInteger(card.expiryMonth) || card.expiryMonth < 1 || card.expiryMonth > 12) {
    return problem('INVALID_EXPIRY', 'expiryMonth', 'The expiry month must be from 1 to 12.');
  }
  if (!Number.isInteger(card.expiryYear) || card.expiryYear < 1000 || card.expiryYear > 9999) {
    return problem('INVALID_EXPIRY', 'expiryYear', 'The expiry year must have four digits.');
  }
  const thisYear = now.getUTCFullYear();
  if (card.expiryYear < thisYear) return problem('CARD_EXPIRED', 'expiryYear', 'The card has expired.');
  if (card.expiryYear === thisYear && card.expiryMonth < now.getUTCMonth() + 1) {
    return problem('CARD_EXPIRED', 'expiryMonth', 'The card has expired.');
  }
  if (!/^\d{3,4}$/.test(card.cvc)) {
    return problem('INVALID_CVC', 'cvc', 'The security code must be 3 or 4 digits.');
  }
  return { ok: true, digits, last4: digits.slice(-4) };
}
