import { checkCard } from './cards';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const card = { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2030, cvc: '123' };

describe('checkCard', () => {
  it('accepts a valid card and returns its digits and last four', () => {
    expect(checkCard(card, NOW)).toEqual({ ok: true, digits: '4242424242424242', last4: '4242' });
  });

  it('removes spaces and dashes from the number', () => {
    expect(checkCard({ ...card, number: ' 4000-0000 0000-0002 ' }, NOW)).toEqual({
      ok: true,
      digits: '4000000000000002',
      last4: '0002',
    });
  });

  it.each([
    ['a failing Luhn checksum', '4242 4242 4242 4241'],
    ['letters', '4242 4242 4242 424a'],
    ['11 digits', '42424242428'],
    ['20 digits', '42424242424242424242'],
    ['nothing', ''],
    ['dots', '4242.4242.4242.4242'],
  ])('refuses a number with %s as INVALID_CARD_NUMBER on number', (_label, number) => {
    expect(checkCard({ ...card, number }, NOW)).toEqual({
      ok: false,
      code: 'INVALID_CARD_NUMBER',
      message: 'The card number is not valid.',
      field: 'number',
    });
  });

  it('accepts Luhn-valid numbers of 12 and 19 digits', () => {
    expect(checkCard({ ...card, number: '000000000000' }, NOW)).toMatchObject({ ok: true, last4: '0000' });
    expect(checkCard({ ...card, number: '4222222222222222224' }, NOW)).toMatchObject({
      ok: true,
      last4: '2224',
    });
  });

  it.each([0, 13, 1.5])('refuses expiry month %p as INVALID_EXPIRY on expiryMonth', (expiryMonth) => {
    expect(checkCard({ ...card, expiryMonth }, NOW)).toEqual({
      ok: false,
      code: 'INVALID_EXPIRY',
      message: 'The expiry month must be from 1 to 12.',
      field: 'expiryMonth',
    });
  });

  it.each([30, 999, 10_000])('refuses expiry year %p as INVALID_EXPIRY on expiryYear', (expiryYear) => {
    expect(checkCard({ ...card, expiryYear }, NOW)).toEqual({
      ok: false,
      code: 'INVALID_EXPIRY',
      message: 'The expiry year must have four digits.',
      field: 'expiryYear',
    });
  });

  it('accepts a card expiring this month and refuses one that expired last month', () => {
    expect(checkCard({ ...card, expiryYear: 2026, expiryMonth: 6 }, NOW)).toMatchObject({ ok: true });
    expect(checkCard({ ...card, expiryYear: 2026, expiryMonth: 5 }, NOW)).toEqual({
      ok: false,
      code: 'CARD_EXPIRED',
      message: 'The card has expired.',
      field: 'expiryMonth',
    });
  });

  it('refuses a card from a past year as CARD_EXPIRED on expiryYear', () => {
    expect(checkCard({ ...card, expiryYear: 2025, expiryMonth: 12 }, NOW)).toMatchObject({
      code: 'CARD_EXPIRED',
      field: 'expiryYear',
    });
  });

  it('compares months in UTC: a June card is still valid at 23:30 UTC on 30 June', () => {
    const lastMinutes = new Date('2026-06-30T23:30:00.000Z');
    expect(checkCard({ ...card, expiryYear: 2026, expiryMonth: 6 }, lastMinutes)).toMatchObject({ ok: true });
    expect(
      checkCard({ ...card, expiryYear: 2026, expiryMonth: 6 }, new Date('2026-07-01T00:00:00.000Z')),
    ).toMatchObject({
      code: 'CARD_EXPIRED',
    });
  });

  it.each(['12', '12345', '12a', ' 123'])('refuses the CVC %j as INVALID_CVC on cvc', (cvc) => {
    expect(checkCard({ ...card, cvc }, NOW)).toEqual({
      ok: false,
      code: 'INVALID_CVC',
      message: 'The security code must be 3 or 4 digits.',
      field: 'cvc',
    });
  });

  it('accepts a four-digit CVC', () => {
    expect(checkCard({ ...card, cvc: '1234' }, NOW)).toMatchObject({ ok: true });
  });

  it('reports the number first when everything is wrong', () => {
    expect(checkCard({ number: '1', expiryMonth: 0, expiryYear: 1, cvc: '' }, NOW)).toMatchObject({
      field: 'number',
    });
  });
});
