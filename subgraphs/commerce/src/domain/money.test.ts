import {
  addMoney,
  formatMoney,
  isCurrency,
  MAX_AMOUNT,
  minorDigits,
  parseMoney,
  sumByCurrency,
  zeroMoney,
} from './money';

describe('parseMoney', () => {
  it('accepts a positive whole amount in a known currency', () => {
    expect(parseMoney({ amount: 4900, currency: 'USD' })).toEqual({
      ok: true,
      money: { amount: 4900, currency: 'USD' },
    });
  });

  it('accepts a lower-case currency and returns it upper case', () => {
    expect(parseMoney({ amount: 1, currency: 'usd' })).toEqual({
      ok: true,
      money: { amount: 1, currency: 'USD' },
    });
  });

  it('accepts exactly MAX_AMOUNT, which is 99 999 999 minor units', () => {
    expect(MAX_AMOUNT).toBe(99_999_999);
    expect(parseMoney({ amount: MAX_AMOUNT, currency: 'EUR' })).toEqual({
      ok: true,
      money: { amount: 99_999_999, currency: 'EUR' },
    });
  });

  it.each([
    ['negative', -1],
    ['zero', 0],
    ['fractional', 49.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['above MAX_AMOUNT', MAX_AMOUNT + 1],
    ['unsafe', Number.MAX_SAFE_INTEGER + 2],
  ])('refuses a %s amount with INVALID_AMOUNT', (_label, amount) => {
    expect(parseMoney({ amount, currency: 'USD' })).toEqual({
      ok: false,
      code: 'INVALID_AMOUNT',
      message: 'The amount must be a whole number of minor units from 1 to 99999999.',
    });
  });

  it('accepts zero only with allowZero, and still refuses a negative amount then', () => {
    expect(parseMoney({ amount: 0, currency: 'JPY' }, { allowZero: true })).toEqual({
      ok: true,
      money: { amount: 0, currency: 'JPY' },
    });
    expect(parseMoney({ amount: -5, currency: 'JPY' }, { allowZero: true })).toEqual({
      ok: false,
      code: 'INVALID_AMOUNT',
      message: 'The amount must be a whole number of minor units from 0 to 99999999.',
    });
  });

  it.each(['XYZ', 'US', 'USDD', '', 'dollars'])(
    'refuses the unknown currency %j with UNKNOWN_CURRENCY',
    (currency) => {
      expect(parseMoney({ amount: 100, currency })).toEqual({
        ok: false,
        code: 'UNKNOWN_CURRENCY',
        message: `${JSON.stringify(currency)} is not an ISO 4217 currency code.`,
      });
    },
  );

  it('reports the amount before the currency when both are wrong', () => {
    expect(parseMoney({ amount: -1, currency: 'XYZ' })).toMatchObject({ ok: false, code: 'INVALID_AMOUNT' });
  });
});

describe('isCurrency and minorDigits', () => {
  it('knows USD, EUR, JPY and lower-case codes, but not XYZ', () => {
    expect([isCurrency('USD'), isCurrency('EUR'), isCurrency('jpy'), isCurrency('XYZ')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('reads the minor digits from Intl: USD 2, JPY 0, KRW 0, BHD 3', () => {
    expect(['USD', 'JPY', 'KRW', 'BHD'].map(minorDigits)).toEqual([2, 0, 0, 3]);
  });

  it('throws a RangeError for the digits of an unknown currency', () => {
    expect(() => minorDigits('XYZ')).toThrow(new RangeError('Unknown currency "XYZ".'));
  });
});

describe('formatMoney', () => {
  it('formats USD in en-US by default', () => {
    expect(formatMoney({ amount: 4900, currency: 'USD' })).toBe('$49.00');
    expect(formatMoney({ amount: 5, currency: 'USD' })).toBe('$0.05');
    expect(formatMoney({ amount: MAX_AMOUNT, currency: 'USD' })).toBe('$999,999.99');
  });

  it('formats a zero-decimal currency without a fraction', () => {
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('¥500');
  });

  it('formats a three-decimal currency with three digits (Intl separates the code with a no-break space)', () => {
    expect(formatMoney({ amount: 1234, currency: 'BHD' })).toBe('BHD\u00a01.234');
  });

  it('formats in the locale asked for', () => {
    expect(formatMoney({ amount: 4900, currency: 'EUR' }, 'de-DE')).toBe('49,00\u00a0€');
  });

  it('formats every cent exactly, where amount / 100 as a float would drift', () => {
    for (let amount = 0; amount <= 2000; amount++) {
      const expected = `$${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`;
      expect(formatMoney({ amount, currency: 'USD' })).toBe(expected);
    }
  });

  it('formats a negative amount with a minus sign', () => {
    expect(formatMoney({ amount: -4900, currency: 'USD' })).toBe('-$49.00');
  });
});

describe('zeroMoney, addMoney and sumByCurrency', () => {
  it('makes zero in the currency, upper case', () => {
    expect(zeroMoney('jpy')).toEqual({ amount: 0, currency: 'JPY' });
  });

  it('adds two amounts of one currency', () => {
    expect(addMoney({ amount: 4900, currency: 'USD' }, { amount: 7900, currency: 'USD' })).toEqual({
      amount: 12800,
      currency: 'USD',
    });
  });

  it('throws when adding two currencies, a programming error', () => {
    expect(() => addMoney({ amount: 1, currency: 'USD' }, { amount: 1, currency: 'EUR' })).toThrow(
      new RangeError('Cannot add USD to EUR.'),
    );
  });

  it('sums one total per currency, largest amount first', () => {
    expect(
      sumByCurrency([
        { amount: 100, currency: 'USD' },
        { amount: 500, currency: 'JPY' },
        { amount: 4900, currency: 'USD' },
        { amount: 300, currency: 'EUR' },
        { amount: 200, currency: 'EUR' },
      ]),
    ).toEqual([
      { amount: 5000, currency: 'USD' },
      { amount: 500, currency: 'EUR' },
      { amount: 500, currency: 'JPY' },
    ]);
  });

  it('sums nothing to an empty list and does not change its input', () => {
    const items = [{ amount: 1, currency: 'USD' }];
    expect(sumByCurrency([])).toEqual([]);
    sumByCurrency([...items, { amount: 2, currency: 'USD' }]);
    expect(items).toEqual([{ amount: 1, currency: 'USD' }]);
  });
});
