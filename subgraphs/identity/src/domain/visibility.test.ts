import type { Viewer } from '@learncraft/kit';
import { canSeeEmail } from './visibility';

const USER_ID = '11111111-1111-4111-8111-111111111111';
const viewer = (id: string, roles: Viewer['roles']): Viewer => ({ id, roles, expiresAt: 0 });

describe('canSeeEmail', () => {
  it('lets the account owner see their email', () => {
    expect(canSeeEmail(viewer(USER_ID, ['LEARNER']), USER_ID)).toBe(true);
  });

  it('lets an administrator see anyone’s email', () => {
    expect(canSeeEmail(viewer('someone-else', ['LEARNER', 'ADMIN']), USER_ID)).toBe(true);
  });

  it('hides the email from another learner or instructor', () => {
    expect(canSeeEmail(viewer('someone-else', ['LEARNER', 'INSTRUCTOR']), USER_ID)).toBe(false);
  });

  it('hides the email from anonymous callers', () => {
    expect(canSeeEmail(null, USER_ID)).toBe(false);
  });
});
