/**
 * The lab actions behind the mutations, and the background work that keeps sessions honest:
 * provisioning after labStart answers, the sweeper (expiry, idle timeout, warnings, completion
 * retries, orphan recovery) and the hand-off of completions to progress. Every change is decided
 * under the session's row lock and published after the commit.
 */
import {
  courseAccessProblem,
  forbidden,
  hasRole,
  notFound,
  userError,
  type AccessChecker,
  type Logger,
  type Metrics,
  type PubSub,
  type UserError,
  type Viewer,
} from '@learncraft/kit';
import { labTopic, type LabEventKind, type LabEventPayload } from '../domain/events';
import {
  checkOutcome,
  effectiveExpiry,
  expiryDue,
  expiryMessage,
  extend,
  hardExpiry,
  hasEnded,
  idleDeadline,
  isLive,
  PROVISION_STALL_MS,
  sandboxKillTime,
  STEP_OUTPUT_MAX_BYTES,
  warningsDue,
  WARNING_THRESHOLDS_SECONDS,
  type LabTemplate,
} from '../domain/session';
import type { ExecResult, LabRuntime, ProvisionProgress, SandboxInfo } from '../runtime/types';
import type { CatalogClient } from '../stores/catalogClient';
import type { LabStore, SessionPatch, SessionRecord, StepRecord } from '../stores/labStore';
import type { ProgressClient } from '../stores/progressClient';

export type Outcome<T> = ({ ok: true } & T) | { ok: false; userErrors: UserError[] };

export interface LabServiceOptions {
  store: LabStore;
  catalog: CatalogClient;
  progress: ProgressClient;
  /** Who may learn which course (commerce); open when no commerce is deployed. */
  access: AccessChecker;
  runtime: LabRuntime;
  pubsub: PubSub;
  logger: Logger;
  /** Counters on the subgraph's `/metrics` (`learncraft_labs_*`). */
  metrics: Metrics;
  now: () => Date;
  /** The runtime scope this process answers for (LAB_NODE_ID). */
  nodeId: string;
  maxSandboxes: number;
  maxExtensions: number;
  checkTimeoutMs: number;
}

const LESSON_FIELD = ['input', 'lessonId'];
const SESSION_FIELD = ['input', 'sessionId'];
/** How long a claimed completion is reserved for the replica that claimed it. */
const COMPLETION_LEASE_MS = 30_000;
const MAX_COMPLETION_BACKOFF_MS = 5 * 60_000;
/** Terminal input moves the idle deadline at most this often per session (one write, not one per key). */
const TOUCH_INTERVAL_MS = 10_000;
/** The sweeper compares the runtime's sandboxes with the sessions every this many runs. */
const RECONCILE_EVERY_SWEEPS = 6;

const failure = (error: UserError) => ({ ok: false as const, userErrors: [error] });
const ended = () =>
  failure(userError('SESSION_ENDED', 'This lab session has ended; start the lab again.', SESSION_FIELD));
const notReady = () =>
  failure(
    userError(
      'SESSION_NOT_READY',
      'The sandbox is not ready yet; wait until the session is READY.',
      SESSION_FIELD,
    ),
  );

export class LabService {
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly touched = new Map<string, number>();
  private sweeping: Promise<void> | null = null;
  private sweeps = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: LabServiceOptions) {}

  private get store() {
    return this.options.store;
  }

  private now() {
    return this.options.now();
  }

  /** The session, when the viewer is its learner; NOT_FOUND for others (FORBIDDEN for an ADMIN). */
  async ownSession(viewer: Viewer, sessionId: string): Promise<SessionRecord> {
    const [session] = await this.store.sessionsByIds([sessionId]);
    if (session && session.userId === viewer.id) return session;
    if (session && hasRole(viewer, 'ADMIN'))
      throw forbidden('Only the learner of a lab session may act on it.');
    throw notFound('LabSession', sessionId);
  }

  async start(viewer: Viewer, lessonId: string): Promise<Outcome<{ session: SessionRecord }>> {
    const [lesson] = await this.options.catalog.lessonsByIds([lessonId]);
    if (!lesson || !lesson.coursePublished)
      return failure(userError('LESSON_NOT_FOUND', `Lesson ${lessonId} was not found.`, LESSON_FIELD));
    if (lesson.kind !== 'LAB' || !lesson.lab)
      return failure(
        userError('NOT_A_LAB', `Lesson ${lessonId} is a ${lesson.kind} lesson, not a lab.`, LESSON_FIELD),
      );
    const refused = await courseAccessProblem(this.options.access, viewer, lesson.courseId, LESSON_FIELD);
    if (refused) return failure(refused);
    if (!(await this.options.progress.isEnrolled(viewer.id, lesson.courseId)))
      return failure(
        userError('NOT_ENROLLED', 'Enroll in the course before starting its labs.', LESSON_FIELD),
      );
    const running = await this.store.liveSessionOf(viewer.id);
    if (running) return this.runningOutcome(running, lessonId);
    const availability = await this.options.runtime.availability();
    if (!availability.ok)
      return failure(
        userError('RUNTIME_UNAVAILABLE', `Labs cannot run here: ${availability.reason}`, LESSON_FIELD),
      );

    const { lab } = lesson;
    const template: LabTemplate = {
      profile: lab.profile,
      image: lab.image,
      setupScript: lab.setupScript,
      timeLimitMinutes: lab.timeLimitMinutes,
      idleTimeoutMinutes: lab.idleTimeoutMinutes,
    };
    const at = this.now();
    const created = await this.store.createSession({
      userId: viewer.id,
      lessonId: lesson.id,
      courseId: lesson.courseId,
      template,
      steps: lab.steps,
      nodeId: this.options.nodeId,
      maxSandboxes: this.options.maxSandboxes,
      at,
      // Provisional: counted from READY once the sandbox is there.
      expiresAt: hardExpiry(at, template, 0),
    });
    if (created.kind === 'capacity') {
      return failure(
        userError(
          'CAPACITY',
          'Every sandbox of this machine is in use; try again in a few minutes.',
          LESSON_FIELD,
        ),
      );
    }
    if (created.kind === 'existing') return this.runningOutcome(created.session, lessonId);
    this.count('labs_sessions_started_total');
    await this.publish('STATUS', created.session);
    this.track(this.provision(created.session.id));
    return { ok: true, session: created.session };
  }

  /**
   * A live session of a learner who lost access to its course (a refund) is stopped on their next
   * action, which is refused with PAYMENT_REQUIRED; ACCESS_UNAVAILABLE leaves it running.
   */
  private async accessGate(
    viewer: Viewer,
    session: SessionRecord,
  ): Promise<{ ok: false; userErrors: UserError[] } | null> {
    const refused = await courseAccessProblem(this.options.access, viewer, session.courseId, SESSION_FIELD);
    if (!refused) return null;
    if (refused.code === 'PAYMENT_REQUIRED') {
      this.options.logger.info('lab stopped: access to its course ended', { sessionId: session.id });
      await this.endSession(session.id, (row) =>
        isLive(row.status) ? { status: 'STOPPING', statusMessage: 'Access to this course has ended.' } : null,
      );
    }
    return failure(refused);
  }

  private runningOutcome(running: SessionRecord, lessonId: string): Outcome<{ session: SessionRecord }> {
    if (running.lessonId === lessonId) return { ok: true, session: running };
    return failure(
      userError(
        'SESSION_LIMIT',
        'Another lab of yours is running; stop it before starting this one.',
        LESSON_FIELD,
      ),
    );
  }

  async stop(viewer: Viewer, sessionId: string): Promise<Outcome<{ session: SessionRecord }>> {
    await this.ownSession(viewer, sessionId);
    const stopped = await this.endSession(sessionId, (row) =>
      isLive(row.status) ? { status: 'STOPPING', statusMessage: 'Stopping the sandbox.' } : null,
    );
    return stopped ? { ok: true, session: stopped } : ended();
  }

  async reset(viewer: Viewer, sessionId: string): Promise<Outcome<{ session: SessionRecord }>> {
    const session = await this.ownSession(viewer, sessionId);
    if (!isLive(session.status)) return ended();
    const refused = await this.accessGate(viewer, session);
    if (refused) return refused;
    const at = this.now();
    const change = await this.store.update(
      sessionId,
      (row) =>
        row.status === 'READY'
          ? {
              status: 'PROVISIONING',
              progressPercent: 0,
              statusMessage: 'Resetting the sandbox.',
              updatedAt: at,
            }
          : null,
      { resetSteps: true },
    );
    if (!change) return isLive((await this.ownSession(viewer, sessionId)).status) ? notReady() : ended();
    await this.publish('STATUS', change.after);
    this.track(
      (async () => {
        await this.releaseSandbox(change.before);
        await this.provision(sessionId);
      })(),
    );
    return { ok: true, session: change.after };
  }

  async extend(viewer: Viewer, sessionId: string): Promise<Outcome<{ session: SessionRecord }>> {
    const session = await this.ownSession(viewer, sessionId);
    const refused = isLive(session.status) ? await this.accessGate(viewer, session) : null;
    if (refused) return refused;
    const at = this.now();
    let limitReached = false;
    const change = await this.store.update(sessionId, (row) => {
      if (!isLive(row.status)) return null;
      const decision = extend(row, this.options.maxExtensions);
      if (!decision.ok) {
        limitReached = true;
        return null;
      }
      return {
        extensions: decision.extensions,
        expiresAt: decision.expiresAt,
        lastActivityAt: at,
        idleDeadline: row.idleDeadline ? idleDeadline(at, row.template) : null,
        updatedAt: at,
      };
    });
    if (limitReached) {
      return failure(
        userError(
          'EXTENSION_LIMIT',
          `This session has used all ${this.options.maxExtensions} extensions.`,
          SESSION_FIELD,
        ),
      );
    }
    if (!change) return ended();
    await this.publish('STATUS', change.after);
    return { ok: true, session: change.after };
  }

  async check(
    viewer: Viewer,
    sessionId: string,
    stepId: string,
  ): Promise<Outcome<{ session: SessionRecord; step: StepRecord }>> {
    const session = await this.ownSession(viewer, sessionId);
    if (!isLive(session.status)) return ended();
    const refused = await this.accessGate(viewer, session);
    if (refused) return refused;
    if (session.status !== 'READY' || !session.sandboxId) return notReady();
    const { checkTimeoutMs } = this.options;
    const at = this.now();
    const claim = await this.store.claimStepCheck(
      sessionId,
      stepId,
      at,
      new Date(at.getTime() - checkTimeoutMs - 30_000),
    );
    if (claim === 'UNKNOWN_STEP')
      return failure(userError('UNKNOWN_STEP', `This lab has no step ${stepId}.`, ['input', 'stepId']));
    if (claim === 'CHECK_RUNNING')
      return failure(
        userError('CHECK_RUNNING', 'This step is being checked; wait for the result.', ['input', 'stepId']),
      );

    const result = await this.exec(session.sandboxId, claim.checkCommand);
    this.count('labs_step_checks_total');
    const recorded = await this.store.recordCheck({
      sessionId,
      stepId,
      ...checkOutcome(result, checkTimeoutMs),
      at: this.now(),
      claimedAt: claim.checkStartedAt ?? at,
    });
    await this.publish('CHECK', recorded.session, { stepId });
    if (recorded.completed) {
      this.options.logger.info('lab completed', { sessionId, lessonId: session.lessonId });
      this.count('labs_sessions_completed_total');
      await this.publish('STATUS', recorded.session);
      this.track(this.releaseSandbox(recorded.session));
      this.track(this.deliverCompletions(sessionId));
    }
    return { ok: true, session: recorded.session, step: recorded.step };
  }

  private async exec(sandboxId: string, script: string): Promise<ExecResult> {
    try {
      return await this.options.runtime.exec(sandboxId, script, {
        timeoutMs: this.options.checkTimeoutMs,
        maxOutputBytes: STEP_OUTPUT_MAX_BYTES,
      });
    } catch (error) {
      this.options.logger.error('check could not run', { sandboxId, error });
      return {
        exitCode: null,
        output: 'The check could not run: the sandbox did not answer.',
        timedOut: false,
        truncated: false,
      };
    }
  }

  /** Terminal input: moves the idle deadline, written at most every 10 s per session. */
  touch(sessionId: string): void {
    const at = this.now();
    const last = this.touched.get(sessionId);
    if (last !== undefined && at.getTime() - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(sessionId, at.getTime());
    this.track(this.store.touch(sessionId, at));
  }

  private forgetOldActivity(): void {
    const before = this.now().getTime() - TOUCH_INTERVAL_MS;
    for (const [sessionId, at] of this.touched) if (at < before) this.touched.delete(sessionId);
  }

  // --- provisioning -------------------------------------------------------------------------

  /** Creates the sandbox of a REQUESTED (or resetting) session and makes it READY. */
  private async provision(sessionId: string): Promise<void> {
    const at = this.now();
    const started = await this.store.update(sessionId, (row) =>
      row.status === 'REQUESTED'
        ? {
            status: 'PROVISIONING',
            progressPercent: 0,
            statusMessage: 'Creating the sandbox.',
            updatedAt: at,
          }
        : null,
    );
    if (started) await this.publish('STATUS', started.after);
    const session = started?.after ?? (await this.store.sessionsByIds([sessionId]))[0];
    if (!session || session.status !== 'PROVISIONING') return;

    let reported = Promise.resolve();
    const onProgress = (progress: ProvisionProgress) => {
      reported = reported
        .then(() => this.recordProgress(sessionId, progress))
        .catch((error: unknown) =>
          this.options.logger.warn('provisioning progress not recorded', { sessionId, error }),
        );
    };
    let sandbox: SandboxInfo;
    try {
      sandbox = await this.options.runtime.provision(
        {
          sessionId,
          profile: session.template.profile,
          setupScript: session.template.setupScript,
          expiresAt: sandboxKillTime(this.now(), session.template, this.options.maxExtensions),
        },
        onProgress,
      );
    } catch (error) {
      await reported;
      this.options.logger.error('provisioning failed', { sessionId, error });
      this.count('labs_provision_failures_total');
      await this.fail(
        sessionId,
        ['REQUESTED', 'PROVISIONING'],
        'The sandbox could not be created; start the lab again.',
      );
      return;
    }
    await reported;
    const readyAt = this.now();
    const ready = await this.store.update(sessionId, (row) =>
      row.status === 'PROVISIONING' && row.sandboxId === null
        ? {
            status: 'READY',
            progressPercent: 100,
            statusMessage: 'The sandbox is ready.',
            sandboxId: sandbox.id,
            // A reset keeps the session's clock: only the first READY starts it.
            startedAt: row.startedAt ?? readyAt,
            expiresAt: row.startedAt ? row.expiresAt : hardExpiry(readyAt, row.template, row.extensions),
            lastActivityAt: readyAt,
            idleDeadline: idleDeadline(readyAt, row.template),
            updatedAt: readyAt,
          }
        : null,
    );
    if (!ready) {
      // Stopped or expired while the sandbox was being made: it must not outlive the session.
      await this.destroy(sandbox.id);
      return;
    }
    this.options.logger.info('sandbox ready', { sessionId, sandboxId: sandbox.id });
    this.count('labs_sandboxes_ready_total');
    await this.publish('STATUS', ready.after);
  }

  private async recordProgress(sessionId: string, progress: ProvisionProgress): Promise<void> {
    const percent = Math.max(0, Math.min(99, Math.round(progress.percent)));
    const message = progress.message.slice(0, 200);
    const change = await this.store.update(sessionId, (row) =>
      row.status === 'PROVISIONING' && (row.progressPercent !== percent || row.statusMessage !== message)
        ? { progressPercent: percent, statusMessage: message, updatedAt: this.now() }
        : null,
    );
    if (change) await this.publish('STATUS', change.after);
  }

  private async fail(sessionId: string, from: readonly string[], message: string): Promise<void> {
    const change = await this.endSession(sessionId, (row) =>
      from.includes(row.status) ? { status: 'FAILED', statusMessage: message } : null,
    );
    if (change) this.options.logger.warn('lab session failed', { sessionId, message });
  }

  /**
   * Ends a session: applies `decide` (STOPPING, EXPIRED, FAILED), publishes, destroys the sandbox,
   * and settles STOPPING as STOPPED. Returns the final row, or null when `decide` declined.
   */
  private async endSession(
    sessionId: string,
    decide: (row: SessionRecord) => Pick<SessionPatch, 'status' | 'statusMessage'> | null,
  ): Promise<SessionRecord | null> {
    const at = this.now();
    const change = await this.store.update(sessionId, (row) => {
      const patch = decide(row);
      return patch ? { ...patch, updatedAt: at } : null;
    });
    if (!change) return null;
    await this.publish('STATUS', change.after);
    await this.releaseSandbox(change.after);
    if (change.after.status === 'STOPPING') await this.settleStopping(sessionId);
    return (await this.store.sessionsByIds([sessionId]))[0] ?? change.after;
  }

  /**
   * Destroys the session's current sandbox and forgets it. A sandbox that could not be destroyed
   * is forgotten too: orphan recovery finds it in `runtime.list()` and tries again.
   */
  private async releaseSandbox(session: SessionRecord): Promise<void> {
    const sandboxId = session.sandboxId;
    if (!sandboxId) return;
    await this.destroy(sandboxId);
    await this.store.update(session.id, (row) => (row.sandboxId === sandboxId ? { sandboxId: null } : null));
  }

  private async destroy(sandboxId: string): Promise<void> {
    try {
      await this.options.runtime.destroy(sandboxId);
    } catch (error) {
      this.options.logger.error('sandbox not destroyed; orphan recovery will retry', { sandboxId, error });
    }
  }

  // --- completion hand-off ------------------------------------------------------------------

  /**
   * Hands due completions (or one session's) to progress. Each is claimed with a lease first, so
   * one replica sends it at a time; progress's route is idempotent by (learner, lesson) and gets
   * the session id as reference, so a send that is repeated after a crash completes nothing twice.
   */
  async deliverCompletions(sessionId?: string): Promise<void> {
    const now = this.now();
    const claimed = await this.store.claimCompletions(
      now,
      new Date(now.getTime() + COMPLETION_LEASE_MS),
      sessionId,
    );
    for (const row of claimed) {
      const result = await this.options.progress.reportCompletion({
        userId: row.userId,
        lessonId: row.lessonId,
        reference: row.sessionId,
      });
      const at = this.now();
      if (result.kind === 'ACKNOWLEDGED') {
        await this.store.acknowledgeCompletion(row.sessionId, at);
        this.count('labs_completions_delivered_total');
        this.options.logger.info('completion handed to progress', {
          sessionId: row.sessionId,
          alreadyComplete: result.alreadyComplete,
        });
      } else if (result.kind === 'REFUSED') {
        await this.store.abandonCompletion(row.sessionId, at, result.reason);
        this.options.logger.warn('progress refused a lab completion', {
          sessionId: row.sessionId,
          reason: result.reason,
        });
      } else {
        const delay = Math.min(1_000 * 2 ** Math.max(0, row.attempts - 1), MAX_COMPLETION_BACKOFF_MS);
        await this.store.deferCompletion(row.sessionId, new Date(at.getTime() + delay), result.reason);
        this.count('labs_completion_retries_total');
        this.options.logger.warn('completion not delivered; will retry', {
          sessionId: row.sessionId,
          attempts: row.attempts,
          retryInMs: delay,
          reason: result.reason,
        });
      }
    }
  }

  // --- the sweeper --------------------------------------------------------------------------

  startSweeper(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  /** One pass of the sweeper; concurrent calls share the pass that is running. */
  sweep(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.sweeping ??= this.runSweep().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async runSweep(): Promise<void> {
    this.sweeps += 1;
    const steps: [string, () => Promise<void>][] = [
      ['expiry', () => this.expireDue()],
      ['warnings', () => this.sendWarnings()],
      ['completions', () => this.deliverCompletions()],
      ['tokens', () => this.store.pruneTerminalTokens(new Date(this.now().getTime() - 60_000))],
      ['activity', () => Promise.resolve(this.forgetOldActivity())],
    ];
    if (this.sweeps % RECONCILE_EVERY_SWEEPS === 0) steps.push(['reconcile', () => this.reconcile()]);
    for (const [name, run] of steps) {
      try {
        await run();
      } catch (error) {
        this.options.logger.error(`sweeper step ${name} failed`, { error });
      }
    }
  }

  private async expireDue(): Promise<void> {
    const now = this.now();
    for (const session of await this.store.sessionsDueForExpiry(this.options.nodeId, now)) {
      const expired = await this.endSession(session.id, (row) => {
        const reason = expiryDue(row, now);
        return reason ? { status: 'EXPIRED', statusMessage: expiryMessage(reason) } : null;
      });
      if (expired) this.count('labs_sessions_expired_total');
    }
  }

  private async sendWarnings(): Promise<void> {
    const now = this.now();
    const horizon = Math.max(...WARNING_THRESHOLDS_SECONDS) * 1_000;
    for (const session of await this.store.sessionsExpiringWithin(this.options.nodeId, now, horizon)) {
      const deadline = effectiveExpiry(session);
      const secondsLeft = Math.ceil((deadline.getTime() - now.getTime()) / 1_000);
      const fresh = await this.store.recordWarnings(session.id, warningsDue(secondsLeft), deadline, now);
      if (fresh.length > 0) await this.publish('EXPIRY_WARNING', session, { secondsLeft });
    }
  }

  /**
   * Nothing leaks: compares the runtime's sandboxes with the sessions of this node. A sandbox
   * whose session is unknown, over, or holds another sandbox is destroyed; a READY session whose
   * sandbox is gone is FAILED; a session stuck before READY for 10 minutes is FAILED. With
   * `restarted`, sessions this node was still preparing are FAILED at once (the local runtime
   * provisions in this process, so nobody else will finish them).
   */
  async reconcile(options: { restarted?: boolean } = {}): Promise<void> {
    const { runtime, nodeId } = this.options;
    const stallBefore = this.now().getTime() - PROVISION_STALL_MS;
    const earlier = await this.store.sessionsHoldingSandboxes(nodeId);
    for (const session of earlier) {
      if (
        (session.status === 'REQUESTED' || session.status === 'PROVISIONING') &&
        (options.restarted || session.updatedAt.getTime() < stallBefore)
      ) {
        await this.fail(
          session.id,
          [session.status],
          'The sandbox was not ready in time; start the lab again.',
        );
      }
    }
    // Listed after the sessions were read: the sandbox of a session READY then is in this list.
    const sandboxes = await runtime.list();
    const present = new Set(sandboxes.map((sandbox) => sandbox.id));
    for (const session of earlier) {
      const lost = session.sandboxId;
      if (session.status !== 'READY' || !lost || present.has(lost)) continue;
      await this.endSession(session.id, (row) =>
        row.status === 'READY' && row.sandboxId === lost
          ? { status: 'FAILED', statusMessage: 'The sandbox was lost; start the lab again.' }
          : null,
      );
    }
    // Read again after listing: a session created since cannot own a listed sandbox, so a
    // listed sandbox without a running owner now is an orphan.
    const current = new Map((await this.store.sessionsHoldingSandboxes(nodeId)).map((row) => [row.id, row]));
    for (const sandbox of sandboxes) {
      const owner = current.get(sandbox.sessionId);
      const keep =
        owner &&
        (owner.status === 'REQUESTED' ||
          owner.status === 'PROVISIONING' ||
          (owner.status === 'READY' && owner.sandboxId === sandbox.id));
      if (keep) continue;
      this.options.logger.warn('destroying an orphaned sandbox', {
        sandboxId: sandbox.id,
        sessionId: sandbox.sessionId,
      });
      this.count('labs_orphan_sandboxes_destroyed_total');
      await this.destroy(sandbox.id);
      if (owner?.sandboxId === sandbox.id) {
        await this.store.update(owner.id, (row) =>
          row.sandboxId === sandbox.id ? { sandboxId: null } : null,
        );
      }
    }
    for (const session of current.values()) {
      if (session.status === 'STOPPING') await this.settleStopping(session.id);
      else if (hasEnded(session.status) && session.sandboxId && !present.has(session.sandboxId))
        await this.store.update(session.id, (row) =>
          row.sandboxId === session.sandboxId ? { sandboxId: null } : null,
        );
    }
  }

  /** A session left STOPPING (its process died mid-stop): its sandbox went above; it is STOPPED. */
  private async settleStopping(sessionId: string): Promise<void> {
    const stopped = await this.store.update(sessionId, (row) =>
      row.status === 'STOPPING'
        ? { status: 'STOPPED', statusMessage: 'Stopped.', sandboxId: null, updatedAt: this.now() }
        : null,
    );
    if (stopped) await this.publish('STATUS', stopped.after);
  }

  /** Resolves when every background task started so far has settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.sweeping;
    // Provisioning can take minutes; shutdown waits a little, and recovery handles the rest.
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  private count(name: string): void {
    this.options.metrics.inc(name);
  }

  private track(task: Promise<unknown>): void {
    const tracked = task
      .catch((error: unknown) => this.options.logger.error('background lab task failed', { error }))
      .finally(() => this.tasks.delete(tracked));
    this.tasks.add(tracked);
  }

  private async publish(
    kind: LabEventKind,
    session: SessionRecord,
    extra: { stepId?: string; secondsLeft?: number } = {},
  ): Promise<void> {
    const payload: LabEventPayload = {
      kind,
      sessionId: session.id,
      userId: session.userId,
      status: session.status,
      stepId: extra.stepId ?? null,
      secondsLeft: extra.secondsLeft ?? null,
      at: this.now().toISOString(),
    };
    try {
      await this.options.pubsub.publish(labTopic(session.id), payload);
    } catch (error) {
      this.options.logger.error('lab event not published', { sessionId: session.id, kind, error });
    }
  }
}
