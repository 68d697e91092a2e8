import {
  acceptanceProblem,
  checkOrganizationName,
  invitationRoleProblem,
  invitationStatus,
  removalProblem,
  roleChangeProblem,
} from './organizations';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const LATER = new Date('2026-03-02T12:00:00.000Z');
const EARLIER = new Date('2026-02-28T12:00:00.000Z');

describe('checkOrganizationName', () => {
  it('trims the name and accepts 1 to 80 characters', () => {
    expect(checkOrganizationName('  Northwind Academy ')).toEqual({ name: 'Northwind Academy' });
    expect(checkOrganizationName('x'.repeat(80))).toEqual({ name: 'x'.repeat(80) });
  });

  it('refuses an empty, blank or 81-character name with INVALID_NAME on input.name', () => {
    for (const name of ['', '   ', 'x'.repeat(81)])
      expect(checkOrganizationName(name)).toEqual({
        error: {
          code: 'INVALID_NAME',
          message: 'Organization names need between 1 and 80 characters.',
          field: ['input', 'name'],
        },
      });
  });

  it('refuses line breaks and tabs', () => {
    expect(checkOrganizationName('North\nwind')).toMatchObject({ error: { code: 'INVALID_NAME' } });
    expect(checkOrganizationName('North\twind')).toMatchObject({ error: { code: 'INVALID_NAME' } });
  });
});

describe('invitationRoleProblem', () => {
  it('lets owners invite every role', () => {
    for (const role of ['OWNER', 'MANAGER', 'MEMBER'] as const)
      expect(invitationRoleProblem('OWNER', role)).toBeNull();
  });

  it('refuses managers and API keys inviting an OWNER with ROLE_NOT_ALLOWED', () => {
    expect(invitationRoleProblem('MANAGER', 'OWNER')?.code).toBe('ROLE_NOT_ALLOWED');
    expect(invitationRoleProblem('API_KEY', 'OWNER')?.code).toBe('ROLE_NOT_ALLOWED');
    expect(invitationRoleProblem('MANAGER', 'MANAGER')).toBeNull();
    expect(invitationRoleProblem('API_KEY', 'MEMBER')).toBeNull();
  });
});

describe('removalProblem', () => {
  it('refuses removing or letting go the last owner with LAST_OWNER', () => {
    expect(removalProblem({ actor: 'OWNER', self: true, targetRole: 'OWNER', ownerCount: 1 })?.code).toBe(
      'LAST_OWNER',
    );
  });

  it('lets an owner leave when another owner stays', () => {
    expect(removalProblem({ actor: 'OWNER', self: true, targetRole: 'OWNER', ownerCount: 2 })).toBeNull();
  });

  it('refuses a manager or key removing an owner with ROLE_NOT_ALLOWED', () => {
    expect(removalProblem({ actor: 'MANAGER', self: false, targetRole: 'OWNER', ownerCount: 2 })?.code).toBe(
      'ROLE_NOT_ALLOWED',
    );
    expect(removalProblem({ actor: 'API_KEY', self: false, targetRole: 'OWNER', ownerCount: 2 })?.code).toBe(
      'ROLE_NOT_ALLOWED',
    );
  });

  it('lets a manager remove members and managers, and anyone leave', () => {
    expect(removalProblem({ actor: 'MANAGER', self: false, targetRole: 'MEMBER', ownerCount: 1 })).toBeNull();
    expect(
      removalProblem({ actor: 'MANAGER', self: false, targetRole: 'MANAGER', ownerCount: 1 }),
    ).toBeNull();
    expect(removalProblem({ actor: 'MANAGER', self: true, targetRole: 'MEMBER', ownerCount: 1 })).toBeNull();
  });
});

describe('roleChangeProblem', () => {
  it('refuses the last owner stepping down with LAST_OWNER', () => {
    expect(roleChangeProblem({ currentRole: 'OWNER', newRole: 'MANAGER', ownerCount: 1 })?.code).toBe(
      'LAST_OWNER',
    );
  });

  it('allows it with a second owner, and any change of a non-owner', () => {
    expect(roleChangeProblem({ currentRole: 'OWNER', newRole: 'MEMBER', ownerCount: 2 })).toBeNull();
    expect(roleChangeProblem({ currentRole: 'MEMBER', newRole: 'OWNER', ownerCount: 1 })).toBeNull();
    expect(roleChangeProblem({ currentRole: 'OWNER', newRole: 'OWNER', ownerCount: 1 })).toBeNull();
  });
});

describe('invitation state', () => {
  it('reads a pending invitation past its expiry as EXPIRED', () => {
    expect(invitationStatus({ status: 'PENDING', expiresAt: NOW }, NOW)).toBe('EXPIRED');
    expect(invitationStatus({ status: 'PENDING', expiresAt: LATER }, NOW)).toBe('PENDING');
    expect(invitationStatus({ status: 'ACCEPTED', expiresAt: EARLIER }, NOW)).toBe('ACCEPTED');
  });

  it('names why an invitation cannot be accepted', () => {
    const pending = { status: 'PENDING' as const, expiresAt: LATER, email: 'a@example.com' };
    expect(acceptanceProblem(pending, 'a@example.com', NOW)).toBeNull();
    expect(acceptanceProblem(pending, 'b@example.com', NOW)?.code).toBe('EMAIL_MISMATCH');
    expect(acceptanceProblem({ ...pending, expiresAt: EARLIER }, 'a@example.com', NOW)?.code).toBe(
      'INVITATION_EXPIRED',
    );
    expect(acceptanceProblem({ ...pending, status: 'REVOKED' }, 'a@example.com', NOW)?.code).toBe(
      'INVITATION_INVALID',
    );
    expect(acceptanceProblem({ ...pending, status: 'ACCEPTED' }, 'a@example.com', NOW)?.code).toBe(
      'INVITATION_INVALID',
    );
  });
});
