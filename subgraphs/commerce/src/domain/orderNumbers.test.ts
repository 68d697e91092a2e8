import { orderNumber, receiptNumber } from './orderNumbers';

describe('orderNumber and receiptNumber', () => {
  it('pads the sequence to six digits', () => {
    expect(orderNumber(42)).toBe('LC-000042');
    expect(receiptNumber(42)).toBe('LC-R-000042');
    expect(orderNumber(1)).toBe('LC-000001');
  });

  it('grows longer past 999 999 instead of wrapping', () => {
    expect(orderNumber(999_999)).toBe('LC-999999');
    expect(orderNumber(1_000_000)).toBe('LC-1000000');
    expect(receiptNumber(1_234_567)).toBe('LC-R-1234567');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the sequence %p as a programming error', (sequence) => {
    expect(() => orderNumber(sequence)).toThrow(RangeError);
    expect(() => receiptNumber(sequence)).toThrow(RangeError);
  });
});
