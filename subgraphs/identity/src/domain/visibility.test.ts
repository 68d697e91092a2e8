import type { ApiKeyScopeName, Viewer } from '@learncraft/kit';
import { canSeeEmail, organizationSeesEmail } from './visibility';

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

describe('organizationSeesEmail', () => {
  const ORG = '22222222-2222-4222-8222-222222222222';
  const OTHER = '33333333-3333-4333-8333-333333333333';
  const key = (organizationId: string, scopes: ApiKeyScopeName[]) => ({
    apiKey: { id: 'key', organizationId, scopes },
    managedOrganizationIds: [],
  });

  it('lets an owner or manager of one of the member’s organizations see it', () => {
    expect(organizationSeesEmail({ apiKey: null, managedOrganizationIds: [OTHER, ORG] }, [ORG])).toBe(true);
  });

  it('hides it from people who manage none of the member’s organizations', () => {
    expect(organizationSeesEmail({ apiKey: null, managedOrganizationIds: [OTHER] }, [ORG])).toBe(false);
    expect(organizationSeesEmail({ apiKey: null, managedOrganizationIds: [] }, [])).toBe(false);
  });

  it('lets a key of the member’s organization with members:read or progress:read see it', () => {
    expect(organizationSeesEmail(key(ORG, ['members:read']), [ORG])).toBe(true);
    expect(organizationSeesEmail(key(ORG, ['progress:read']), [ORG])).toBe(true);
  });

  it('hides it from keys of other organizations and keys without those scopes', () => {
    expect(organizationSeesEmail(key(OTHER, ['members:read', 'progress:read']), [ORG])).toBe(false);
    expect(organizationSeesEmail(key(ORG, ['catalog:read', 'webhooks:write']), [ORG])).toBe(false);
  });
});
