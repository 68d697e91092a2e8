/**
 * Keeps the retrieval index in step with the catalog. On start it compares the catalog's course
 * versions with the versions the index holds and (re)indexes only what changed, retrying until the
 * catalog answers; afterwards it follows the catalog's `course.changed` events (no polling). Work
 * on one course is serialised, and an event older than what is indexed is skipped.
 */
import type { EventBus, Logger, Metrics } from '@learncraft/kit';
import type { CatalogClient } from '../stores/catalogClient';
import type { CourseContents } from './courseContents';
import type { Retriever } from './retriever';

export const COURSE_CHANGED = 'course.changed';
export const INDEXER_GROUP = 'ai-indexer';

export interface CourseChanged {
  courseId: string;
  version: number;
}

export interface IndexerDeps {
  catalog: Pick<CatalogClient, 'courseContent' | 'courseVersions'>;
  retriever: Pick<Retriever, 'indexCourse' | 'removeCourse' | 'indexedVersions'>;
  contents: CourseContents;
  logger: Logger;
  metrics?: Metrics;
  /** Waits between attempts to reach the catalog on start (ms); grows to 30 s. */
  retryBaseMs?: number;
}

export class Indexer {
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;
  private readyFlag = false;
  private consumer: { stop(): Promise<void> } | null = null;

  constructor(private readonly deps: IndexerDeps) {}

  /** Whether the start-up reconciliation has finished. */
  get ready(): boolean {
    return this.readyFlag;
  }

  /** Subscribes to course changes, then reconciles in the background (resolves once subscribed). */
  async start(events: EventBus): Promise<void> {
    this.consumer = await events.consume<CourseChanged>(COURSE_CHANGED, INDEXER_GROUP, (event) =>
      this.courseChanged(event.payload),
    );
    void this.reconcileUntilDone();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.stop();
    await Promise.allSettled([...this.chains.values()]);
  }

  /** Handles one event: re-reads the course and indexes it if it is newer than the index. */
  courseChanged(change: CourseChanged): Promise<void> {
    this.deps.contents.forget(change.courseId);
    return this.serial(change.courseId, async () => {
      const indexed = (await this.deps.retriever.indexedVersions()).get(change.courseId);
      if (indexed !== undefined && indexed >= change.version) return;
      await this.indexOne(change.courseId);
    });
  }

  /** Indexes every course whose catalog version differs from the index's; drops vanished ones. */
  async reconcile(): Promise<{ indexed: number; removed: number; unchanged: number }> {
    const [catalog, indexed] = await Promise.all([
      this.deps.catalog.courseVersions(),
      this.deps.retriever.indexedVersions(),
    ]);
    const stale = catalog.filter((course) => indexed.get(course.id) !== course.version);
    const known = new Set(catalog.map((course) => course.id));
    const vanished = [...indexed.keys()].filter((id) => !known.has(id));
    this.deps.logger.info(
      `tutor index: ${stale.length} of ${catalog.length} courses to index, ${vanished.length} to remove`,
    );
    let done = 0;
    for (const course of stale) {
      if (this.stopped) break;
      await this.serial(course.id, () => this.indexOne(course.id));
      done += 1;
      this.deps.logger.info(`tutor index: indexed ${done}/${stale.length} courses`);
    }
    for (const id of vanished) await this.serial(id, () => this.deps.retriever.removeCourse(id));
    return { indexed: done, removed: vanished.length, unchanged: catalog.length - stale.length };
  }

  private async reconcileUntilDone(): Promise<void> {
    const base = this.deps.retryBaseMs ?? 500;
    for (let attempt = 0; !this.stopped; attempt += 1) {
      try {
        await this.reconcile();
        this.readyFlag = true;
        return;
      } catch (error) {
        const waitMs = Math.min(30_000, base * 2 ** attempt);
        this.deps.logger.warn(`tutor index: the catalog is not answering yet; retrying in ${waitMs} ms`, {
          error: error instanceof Error ? error.message : String(error),
        });
        await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
      }
    }
  }

  private async indexOne(courseId: string): Promise<void> {
    const [course] = await this.deps.catalog.courseContent([courseId]);
    if (!course) {
      await this.deps.retriever.removeCourse(courseId);
      return;
    }
    const started = performance.now();
    const { chunks } = await this.deps.retriever.indexCourse(course);
    this.deps.contents.put(course);
    this.deps.logger.info(
      `tutor index: "${course.title}" v${course.version}: ${chunks} passages in ${Math.round(performance.now() - started)} ms`,
    );
  }

  private serial(courseId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(courseId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.chains.set(courseId, next);
    next
      .finally(() => {
        if (this.chains.get(courseId) === next) this.chains.delete(courseId);
      })
      .catch(() => undefined);
    return next;
  }
}
