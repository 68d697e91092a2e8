/** Display helpers: clock times, durations, retry delays, level labels and language names. */
import { clock, duration, languageName, LEVEL_LABELS, retryDelay } from '@learncraft/operations/format';

describe('clock', () => {
  it.each([
    [0, '0:00'],
    [9.99, '0:09'],
    [68, '1:08'],
    [600, '10:00'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [3725, '1:02:05'],
    [36_000, '10:00:00'],
  ])('shows %p seconds as %p', (seconds, shown) => {
    expect(clock(seconds)).toBe(shown);
  });

  it('shows a negative or unknown time as 0:00', () => {
    expect(clock(-5)).toBe('0:00');
    expect(clock(Number.NaN)).toBe('0:00');
    expect(clock(Number.POSITIVE_INFINITY)).toBe('0:00');
  });
});

describe('duration', () => {
  it.each([
    [0, '1 min'],
    [29, '1 min'],
    [480, '8 min'],
    [3540, '59 min'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [7260, '2 h 1 min'],
  ])('shows %p seconds as %p', (seconds, shown) => {
    expect(duration(seconds)).toBe(shown);
  });
});

describe('labels', () => {
  it('names every course level', () => {
    expect(LEVEL_LABELS).toEqual({
      BEGINNER: 'Beginner',
      INTERMEDIATE: 'Intermediate',
      ADVANCED: 'Advanced',
    });
  });

  it('names a language tag in English and falls back to the tag when it is not a valid tag', () => {
    expect(languageName('en')).toBe('English');
    expect(languageName('de')).toBe('German');
    expect(languageName('not a tag!')).toBe('not a tag!');
  });
});

describe('retryDelay', () => {
  it.each([
    [0, '1 s'],
    [1, '1 s'],
    [30, '30 s'],
    [59, '59 s'],
    [60, '1 min'],
    [61, '2 min'],
    [120, '2 min'],
    [900, '15 min'],
    [3599, '60 min'],
    [3600, '1 h'],
    [5400, '2 h'],
  ])('shows a wait of %p seconds as %p, never sooner than the server allows', (seconds, shown) => {
    expect(retryDelay(seconds)).toBe(shown);
  });
});
