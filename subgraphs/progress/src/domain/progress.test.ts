import {
  applyCompletion,
  applyVideoHeartbeat,
  isCourseComplete,
  NOT_STARTED,
  progressPercent,
  validatePosition,
} from './progress';

const at = new Date('2025-01-01T00:00:00.000Z');
const later = new Date('2025-01-02T00:00:00.000Z');

describe('video heartbeats', () => {
  it('keep the furthest position', () => {
    const first = applyVideoHeartbeat(NOT_STARTED, 50, 200, at);
    expect(first).toEqual({ status: 'IN_PROGRESS', positionSeconds: 50, completedAt: null });
    expect(applyVideoHeartbeat(first, 20, 200, later)).toEqual(first);
  });

  it('complete the lesson at exactly 90 % of the duration, not before', () => {
    expect(applyVideoHeartbeat(NOT_STARTED, 179.9, 200, at).status).toBe('IN_PROGRESS');
    expect(applyVideoHeartbeat(NOT_STARTED, 180, 200, at)).toEqual({
      status: 'COMPLETED',
      positionSeconds: 180,
      completedAt: at,
    });
  });

  it('keep a completed lesson completed with its first completion time', () => {
    const done = applyVideoHeartbeat(NOT_STARTED, 190, 200, at);
    expect(applyVideoHeartbeat(done, 10, 200, later)).toEqual({
      status: 'COMPLETED',
      positionSeconds: 190,
      completedAt: at,
    });
    expect(applyCompletion(done, later)).toBe(done);
  });
});

describe('validatePosition', () => {
  it.each([0, 100, 205])('accepts %p s of a 200 s video', (position) => {
    expect(validatePosition(position, 200)).toBeNull();
  });

  it.each([-1, 205.5, 1e308, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %p s as INVALID_POSITION',
    (position) => {
      expect(validatePosition(position, 200)).toEqual({
        code: 'INVALID_POSITION',
        message: 'The position must be a number of seconds from 0 to 205.',
        field: ['input', 'positionSeconds'],
      });
    },
  );
});

describe('course progress', () => {
  it('counts only lessons still in the course', () => {
    expect(progressPercent(new Set(['a', 'gone']), ['a', 'b', 'c'])).toBe(33);
    expect(progressPercent(new Set(['a', 'b']), ['a', 'b', 'c'])).toBe(66);
    expect(progressPercent(new Set(['a', 'b', 'c']), ['a', 'b', 'c'])).toBe(100);
  });

  it('is 0 for a course without lessons, which never completes', () => {
    expect(progressPercent(new Set(['a']), [])).toBe(0);
    expect(isCourseComplete(new Set(['a']), [])).toBe(false);
    expect(isCourseComplete(new Set(['a', 'b']), ['b', 'a'])).toBe(true);
  });
});
