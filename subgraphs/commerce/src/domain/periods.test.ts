import { periodEnd } from './periods';

describe('periodEnd', () => {
  it('a monthly period starting on 15 January ends on 15 February at the same time', () => {
    expect(periodEnd(new Date('2026-01-15T10:00:00.000Z'), 'MONTH').toISOString()).toBe(
      '2026-02-15T10:00:00.000Z',
    );
  });
  it('a monthly period starting on 31 January ends on the last day of February', () => {
    expect(periodEnd(new Date('2026-01-31T10:00:00.000Z'), 'MONTH').toISOString()).toBe(
      '2026-02-28T10:00:00.000Z',
    );
  });
  it('a yearly period starting on 29 February ends on 28 February of the next year', () => {
    expect(periodEnd(new Date('2028-02-29T00:00:00.000Z'), 'YEAR').toISOString()).toBe(
      '2029-02-28T00:00:00.000Z',
    );
  });
  it('a monthly period starting in December ends in January of the next year', () => {
    expect(periodEnd(new Date('2026-12-05T00:00:00.000Z'), 'MONTH').toISOString()).toBe(
      '2027-01-05T00:00:00.000Z',
    );
  });
});
