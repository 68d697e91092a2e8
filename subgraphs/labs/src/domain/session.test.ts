import {
  allStepsPassed,
  canTransition,
  capUtf8,
  checkOutcome,
  effectiveExpiry,
  expiryDue,
  extend,
  hardExpiry,
  idleDeadline,
  isLive,
  sandboxKillTime,
  warningsDue,
} from './session';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 10, minute));

describe('session rules', () => {
  it('only REQUESTED, PROVISIONING and READY are live (one per learner)', () => {
    expect(
      ['REQUESTED', 'PROVISIONING', 'READY', 'STOPPING', 'STOPPED', 'COMPLETED', 'EXPIRED', 'FAILED'].filter(
        (s) => isLive(s as never),
      ),
    ).toEqual(['REQUESTED', 'PROVISIONING', 'READY']);
  });

  it('ended sessions never come back; READY may go back to PROVISIONING (reset)', () => {
    expect(canTransition('READY', 'PROVISIONING')).toBe(true);
    expect(canTransition('READY', 'COMPLETED')).toBe(true);
    expect(canTransition('PROVISIONING', 'COMPLETED')).toBe(false);
    expect(canTransition('STOPPING', 'READY')).toBe(false);
    for (const end of ['STOPPED', 'COMPLETED', 'EXPIRED', 'FAILED'] as const)
      expect(canTransition(end, 'READY')).toBe(false);
  });

  it('the hard limit counts from READY plus 15 minutes per extension; the idle deadline from the last activity', () => {
    expect(hardExpiry(at(0), { timeLimitMinutes: 30 }, 0)).toEqual(at(30));
    expect(hardExpiry(at(0), { timeLimitMinutes: 30 }, 2)).toEqual(at(60));
    expect(idleDeadline(at(5), { idleTimeoutMinutes: 10 })).toEqual(at(15));
  });

  it('a session expires at the sooner of its hard limit and its idle deadline', () => {
    expect(effectiveExpiry({ expiresAt: at(30), idleDeadline: at(15) })).toEqual(at(15));
    expect(effectiveExpiry({ expiresAt: at(30), idleDeadline: at(45) })).toEqual(at(30));
    expect(effectiveExpiry({ expiresAt: at(30), idleDeadline: null })).toEqual(at(30));
    const ready = { status: 'READY' as const, expiresAt: at(30), idleDeadline: at(15) };
    expect(expiryDue(ready, at(14))).toBeNull();
    expect(expiryDue(ready, at(15))).toBe('IDLE');
    expect(expiryDue({ ...ready, idleDeadline: at(40) }, at(30))).toBe('TIME_LIMIT');
    expect(expiryDue({ ...ready, status: 'STOPPED' }, at(50))).toBeNull();
  });

  it('the runtime kill time lies past every limit the subgraph can grant', () => {
    const kill = sandboxKillTime(at(0), { timeLimitMinutes: 30 }, 2);
    expect(kill.getTime()).toBeGreaterThan(hardExpiry(at(10), { timeLimitMinutes: 30 }, 2).getTime());
  });

  it('extensions add 15 minutes each until the limit', () => {
    expect(extend({ extensions: 0, expiresAt: at(30) }, 2)).toEqual({
      ok: true,
      extensions: 1,
      expiresAt: at(45),
    });
    expect(extend({ extensions: 2, expiresAt: at(60) }, 2)).toEqual({ ok: false, code: 'EXTENSION_LIMIT' });
    expect(extend({ extensions: 0, expiresAt: at(30) }, 0)).toEqual({ ok: false, code: 'EXTENSION_LIMIT' });
  });

  it('warnings are due at 5 and 1 minutes before expiry, none after it', () => {
    expect(warningsDue(301)).toEqual([]);
    expect(warningsDue(300)).toEqual([300]);
    expect(warningsDue(61)).toEqual([300]);
    expect(warningsDue(60)).toEqual([300, 60]);
    expect(warningsDue(1)).toEqual([300, 60]);
    expect(warningsDue(0)).toEqual([]);
  });

  it('a lab is complete when it has steps and all passed', () => {
    expect(allStepsPassed([{ status: 'PASSED' }, { status: 'PASSED' }])).toBe(true);
    expect(allStepsPassed([{ status: 'PASSED' }, { status: 'FAILED' }])).toBe(false);
    expect(allStepsPassed([{ status: 'PASSED' }, { status: 'CHECKING' }])).toBe(false);
    expect(allStepsPassed([])).toBe(false);
  });

  it('output is cut on a UTF-8 character boundary', () => {
    expect(capUtf8('héllo', 2)).toBe('h');
    expect(capUtf8('héllo', 3)).toBe('hé');
    expect(capUtf8('abc', 10)).toBe('abc');
  });

  it('a check passes on exit 0 only; a timeout fails with a note inside the 4 KiB cap', () => {
    const result = { exitCode: 0, output: 'ok\n', timedOut: false, truncated: false };
    expect(checkOutcome(result, 60_000)).toEqual({ status: 'PASSED', output: 'ok\n' });
    expect(checkOutcome({ ...result, exitCode: 1 }, 60_000).status).toBe('FAILED');
    const slow = checkOutcome(
      { exitCode: null, output: 'x'.repeat(5000), timedOut: true, truncated: true },
      60_000,
    );
    expect(slow.status).toBe('FAILED');
    expect(slow.output.endsWith('\n[check stopped after 60 s]')).toBe(true);
    expect(Buffer.byteLength(slow.output)).toBe(4096);
  });
});
