import { splitRevenue } from './revenue';

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('splitRevenue', () => {
  it('gives one instructor 70 % of $49.00 and the platform the rest', () => {
    expect(splitRevenue(usd(4900), ['ada'], 7000)).toEqual({
      instructorShares: [{ instructorId: 'ada', amount: usd(3430) }],
      platform: usd(1470),
    });
  });

  it('rounds the pool down, so the platform keeps the fraction of a cent', () => {
    // 70 % of 99 cents is 69.3: the pool is 69, the platform 30.
    expect(splitRevenue(usd(99), ['ada'], 7000)).toEqual({
      instructorShares: [{ instructorId: 'ada', amount: usd(69) }],
      platform: usd(30),
    });
  });

  it('splits the pool equally among distinct instructors sorted by id, the odd cents to the first', () => {
    // 70 % of $39.20 = 2744 cents over three: 915, 915, 914.
    expect(splitRevenue(usd(3920), ['grace', 'ada', 'linus', 'ada'], 7000)).toEqual({
      instructorShares: [
        { instructorId: 'ada', amount: usd(915) },
        { instructorId: 'grace', amount: usd(915) },
        { instructorId: 'linus', amount: usd(914) },
      ],
      platform: usd(1176),
    });
  });

  it('gives everything to the platform when the line has no instructor', () => {
    expect(splitRevenue(usd(1900), [], 7000)).toEqual({ instructorShares: [], platform: usd(1900) });
  });

  it('splits a zero total into zero shares', () => {
    expect(splitRevenue(usd(0), ['ada', 'grace'], 7000)).toEqual({
      instructorShares: [
        { instructorId: 'ada', amount: usd(0) },
        { instructorId: 'grace', amount: usd(0) },
      ],
      platform: usd(0),
    });
  });

  it('keeps the currency of the line, e.g. whole yen', () => {
    expect(splitRevenue({ amount: 1001, currency: 'JPY' }, ['ada', 'grace'], 5000)).toEqual({
      instructorShares: [
        { instructorId: 'ada', amount: { amount: 250, currency: 'JPY' } },
        { instructorId: 'grace', amount: { amount: 250, currency: 'JPY' } },
      ],
      platform: { amount: 501, currency: 'JPY' },
    });
  });

  it('gives instructors all at 10 000 bps and nothing at 0 bps', () => {
    expect(splitRevenue(usd(101), ['a', 'b'], 10_000).instructorShares.map((s) => s.amount.amount)).toEqual([
      51, 50,
    ]);
    expect(splitRevenue(usd(101), ['a', 'b'], 10_000).platform).toEqual(usd(0));
    expect(splitRevenue(usd(101), ['a', 'b'], 0).platform).toEqual(usd(101));
  });

  it.each([-1, 10_001, 70.5, Number.NaN])('refuses a share of %p bps as a programming error', (bps) => {
    expect(() => splitRevenue(usd(100), ['a'], bps)).toThrow(RangeError);
  });

  it('always adds shares and platform up to the total, for many totals and instructor counts (bounded)', () => {
    // Collects the splits that break a rule, so one assertion reports them all.
    const broken: string[] = [];
    for (let instructors = 0; instructors <= 7; instructors++) {
      const ids = Array.from({ length: instructors }, (_, i) => `instructor-${i}`);
      for (const bps of [0, 1, 3333, 7000, 9999, 10_000]) {
        for (let total = 0; total <= 1500; total += 7) {
          for (const amount of [total, 99_999_999 - total]) {
            const split = splitRevenue(usd(amount), ids, bps);
            const shares = split.instructorShares.map((share) => share.amount.amount);
            const pool = shares.reduce((a, b) => a + b, 0);
            const even = shares.length === 0 || Math.max(...shares) - Math.min(...shares) <= 1;
            const expectedPool = instructors === 0 ? 0 : Math.floor((amount * bps) / 10_000);
            if (pool + split.platform.amount !== amount || !even || pool !== expectedPool) {
              broken.push(`${amount} over ${instructors} at ${bps} bps`);
            }
          }
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
