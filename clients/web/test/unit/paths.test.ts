/** App paths, the log-in return path, the post-log-in redirect guard, checkout items and HLS detection. */
import {
  checkoutItemParam,
  checkoutOrganizationParam,
  checkoutPath,
  citationPath,
  coursePath,
  lessonPath,
  loginPath,
  safeNext,
  startSecondsParam,
} from '../../src/lib/paths';
import { isHlsUrl } from '../../src/lib/useVideoSource';

describe('paths', () => {
  it('builds course and lesson paths', () => {
    expect(coursePath('kubernetes-basics')).toBe('/courses/kubernetes-basics');
    expect(lessonPath('kubernetes-basics', 'TGVzc29uOjE=')).toBe(
      '/courses/kubernetes-basics/lessons/TGVzc29uOjE=',
    );
  });

  it('links a transcript citation to its second of the video, and other citations to the lesson', () => {
    const lesson = { id: 'TGVzc29uOjM=' };
    expect(citationPath('kubernetes-basics', { lesson, source: 'TRANSCRIPT', startSeconds: 83 })).toBe(
      '/courses/kubernetes-basics/lessons/TGVzc29uOjM=?t=83',
    );
    expect(citationPath('kubernetes-basics', { lesson, source: 'TRANSCRIPT', startSeconds: 0 })).toBe(
      '/courses/kubernetes-basics/lessons/TGVzc29uOjM=?t=0',
    );
    expect(citationPath('kubernetes-basics', { lesson, source: 'TRANSCRIPT', startSeconds: null })).toBe(
      '/courses/kubernetes-basics/lessons/TGVzc29uOjM=',
    );
    expect(citationPath('kubernetes-basics', { lesson, source: 'READING', startSeconds: 12 })).toBe(
      '/courses/kubernetes-basics/lessons/TGVzc29uOjM=',
    );
  });

  it('reads the start second of a lesson URL, and nothing that is not a time', () => {
    const t = (search: string) => startSecondsParam(new URLSearchParams(search));
    expect(t('?t=83')).toBe(83);
    expect(t('?t=83.7')).toBe(83);
    expect(t('?t=0')).toBe(0);
    expect([t(''), t('?t='), t('?t=-5'), t('?t=1e3'), t('?t=abc')]).toEqual([null, null, null, null, null]);
  });

  it('sends the learner to log in with where they were, query string included', () => {
    expect(loginPath({ pathname: '/courses/k8s/lessons/1', search: '?t=5' })).toBe(
      '/login?next=%2Fcourses%2Fk8s%2Flessons%2F1%3Ft%3D5',
    );
  });

  it('keeps the existing query when already on the log-in or sign-up page', () => {
    expect(loginPath({ pathname: '/login', search: '?next=%2Fdashboard' })).toBe('/login?next=%2Fdashboard');
    expect(loginPath({ pathname: '/signup', search: '' })).toBe('/login');
  });
});

describe('safeNext', () => {
  it('follows same-site paths', () => {
    expect(safeNext('/courses/k8s?tab=2')).toBe('/courses/k8s?tab=2');
    expect(safeNext('/')).toBe('/');
  });

  it.each([
    null,
    '',
    'https://evil.example',
    '//evil.example/path',
    '/\\evil.example',
    'dashboard',
    'javascript:alert(1)',
  ])('goes to the dashboard instead of %p', (next) => {
    expect(safeNext(next)).toBe('/dashboard');
  });
});

describe('isHlsUrl', () => {
  it.each([
    'https://cdn.example/v/master.m3u8',
    'https://cdn.example/v/MASTER.M3U8',
    '/v/index.m3u8?token=abc',
    '/v/index.m3u8#t=10',
  ])('treats %p as an HLS playlist', (url) => {
    expect(isHlsUrl(url)).toBe(true);
  });

  it.each(['https://cdn.example/v/clip.mp4', '/v/clip.webm?x=.m3u8', '/v/index.m3u8x', '/v/m3u8'])(
    'plays %p directly',
    (url) => {
      expect(isHlsUrl(url)).toBe(false);
    },
  );
});

describe('checkout paths', () => {
  it('names one course or one plan, and reads it back', () => {
    expect(checkoutPath({ courseId: 'c 1' })).toBe('/checkout?course=c%201');
    expect(checkoutPath({ planId: 'p1' })).toBe('/checkout?plan=p1');
    expect(checkoutItemParam(new URLSearchParams('course=c%201'))).toEqual({ courseId: 'c 1' });
    expect(checkoutItemParam(new URLSearchParams('plan=p1'))).toEqual({ planId: 'p1' });
  });

  it('names a team plan with its seats and organization, and reads them back', () => {
    expect(checkoutPath({ planId: 'team', seats: 10 }, 'org 1')).toBe(
      '/checkout?plan=team&seats=10&organization=org+1',
    );
    const search = new URLSearchParams('plan=team&seats=10&organization=org%201');
    expect(checkoutItemParam(search)).toEqual({ planId: 'team', seats: 10 });
    expect(checkoutOrganizationParam(search)).toBe('org 1');
    expect(checkoutOrganizationParam(new URLSearchParams('plan=team'))).toBeNull();
  });

  it.each(['0', '1001', '2.5', '-3', 'ten', ''])('reads %p seats as nothing to check out', (seats) => {
    expect(checkoutItemParam(new URLSearchParams(`plan=team&seats=${seats}`))).toBeNull();
  });

  it('reads seats of a course as nothing to check out', () => {
    expect(checkoutItemParam(new URLSearchParams('course=c1&seats=3'))).toBeNull();
  });

  it('reads neither, or both, as nothing to check out', () => {
    expect(checkoutItemParam(new URLSearchParams(''))).toBeNull();
    expect(checkoutItemParam(new URLSearchParams('course=&plan='))).toBeNull();
    expect(checkoutItemParam(new URLSearchParams('course=c1&plan=p1'))).toBeNull();
  });
});
