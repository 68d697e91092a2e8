/** Prices typed as decimal text become integer minor units, and back, without a float in between. */
import { amountText, MAX_AMOUNT, minorDigits, parseAmount } from '@learncraft/operations/money';

describe('parseAmount', () => {
  it.each([
    ['49.99', 'USD', 4999],
    ['49', 'USD', 4900],
    ['49.9', 'USD', 4990],
    ['0.01', 'USD', 1],
    [' 79.00 ', 'USD', 7900],
    ['007.50', 'USD', 750],
    ['1.', 'USD', 100],
    ['500', 'JPY', 500],
    ['999999.99', 'USD', MAX_AMOUNT],
  ])('reads %p %s as %p minor units', (text, currency, amount) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, amount });
  });

  it('reads an empty amount as free (null)', () => {
    expect(parseAmount('', 'USD')).toEqual({ ok: true, amount: null });
    expect(parseAmount('   ', 'USD')).toEqual({ ok: true, amount: null });
  });

  it('refuses more decimals than the currency has', () => {
    expect(parseAmount('49.999', 'USD')).toEqual({
      ok: false,
      message: 'USD amounts have at most 2 decimals.',
    });
    expect(parseAmount('5.5', 'JPY')).toEqual({ ok: false, message: 'JPY amounts have no decimals.' });
  });

  it.each(['-1', '1,50', '1e3', 'abc', '.5', '4 9', '+3'])('refuses %p', (text) => {
    expect(parseAmount(text, 'USD')).toEqual({
      ok: false,
      message: 'Enter an amount like 49.99, or leave it empty for free.',
    });
  });

  it('refuses zero and amounts above the largest price', () => {
    expect(parseAmount('0.00', 'USD')).toEqual({
      ok: false,
      message: 'Enter an amount above zero, or leave it empty for free.',
    });
    expect(parseAmount('1000000.00', 'USD')).toEqual({
      ok: false,
      message: 'That is more than the largest price allowed.',
    });
    expect(parseAmount('99999999999999999999', 'USD')).toEqual({
      ok: false,
      message: 'That is more than the largest price allowed.',
    });
  });
});

describe('amountText and minorDigits', () => {
  it('writes minor units back as the form shows them', () => {
    expect(amountText(4999, 'USD')).toBe('49.99');
    expect(amountText(5, 'USD')).toBe('0.05');
    expect(amountText(7900, 'USD')).toBe('79.00');
    expect(amountText(500, 'JPY')).toBe('500');
    expect(amountText(-250, 'USD')).toBe('-2.50');
  });

  it("takes the currency's digits from Intl, and 2 for a code it does not know", () => {
    expect(minorDigits('USD')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
    expect(minorDigits('??')).toBe(2);
  });
});
