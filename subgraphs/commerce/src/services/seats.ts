/**
 * Organization seats: what an organization bought in its team subscriptions, who holds them, and
 * handing one to a member (`POST /internal/organization-seats/assign`, contract 3 of issue 12).
 * A seat counts only while its holder is a member: identity's directory is asked each time, so a
 * removed member's seat is free again without any call; an assignment drops such seats first.
 */
import type { OrganizationDirectory } from '@learncraft/kit';
import { seatChanged } from '../domain/events';
import type { CommerceStore } from '../stores/commerceStore';
import type { OutboxRelay } from './outbox';

export const ORGANIZATION_SEATS_ASSIGN_PATH = '/internal/organization-seats/assign';

export interface SeatCounts {
  total: number;
  used: number;
  available: number;
}

export interface OrganizationSeatsView extends SeatCounts {
  expiresAt: Date | null;
}

export type AssignOutcome =
  { ok: true; seats: SeatCounts } | { ok: false; error: 'NO_SEATS' | 'SEATS_EXHAUSTED' | 'NOT_A_MEMBER' };

const counts = (total: number, used: number): SeatCounts => ({
  total,
  used,
  available: Math.max(total - used, 0),
});

export class SeatService {
  constructor(
    private readonly deps: {
      store: CommerceStore;
      directory: Pick<OrganizationDirectory, 'members'>;
      relay: Pick<OutboxRelay, 'kick'>;
      now: () => Date;
    },
  ) {}

  /**
   * The organizations' seats now, in request order (two queries for all, and identity's members
   * of each); `used` counts holders who are still members.
   */
  async seatsOf(organizationIds: readonly string[]): Promise<OrganizationSeatsView[]> {
    const { store, directory } = this.deps;
    const [bought, holders, members] = await Promise.all([
      store.teamSeatsByOrganizations(organizationIds, this.deps.now()),
      store.seatHoldersByOrganizations(organizationIds),
      Promise.all(organizationIds.map((id) => directory.members(id))),
    ]);
    return organizationIds.map((organizationId, index) => {
      const memberIds = new Set((members[index] ?? []).map((member) => member.userId));
      const used = holders.filter(
        (holder) => holder.organizationId === organizationId && memberIds.has(holder.userId),
      ).length;
      const seats = bought.find((row) => row.organizationId === organizationId);
      return { ...counts(seats?.total ?? 0, used), expiresAt: seats?.expiresAt ?? null };
    });
  }

  /** Gives the member a seat (a holder keeps theirs); throws when identity does not answer. */
  async assign(organizationId: string, userId: string): Promise<AssignOutcome> {
    const members = await this.deps.directory.members(organizationId);
    const result = await this.deps.store.assignSeat({
      organizationId,
      userId,
      memberIds: members.map((member) => member.userId),
      at: this.deps.now(),
      events: (assignment, change) => [seatChanged(assignment, change)],
    });
    // Seats taken or dropped are announced (entitlement.changed) so cached decisions drop.
    this.deps.relay.kick();
    switch (result.kind) {
      case 'ASSIGNED':
      case 'ALREADY_ASSIGNED':
        return { ok: true, seats: counts(result.total, result.used) };
      default:
        return { ok: false, error: result.kind };
    }
  }
}
