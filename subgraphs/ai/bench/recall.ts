/**
 * Retrieval quality over the bench questions: indexes the demo courses with the given embedder
 * into an in-memory store and measures where the answering lesson ranks. Shared by the retrieval
 * bench (which prints it) and the quality test (which asserts on it).
 */
import { createLogger } from '@learncraft/kit';
import type { Embedder } from '../src/providers/types';
import { Retriever } from '../src/services/retriever';
import { createMemoryVectorStore } from '../src/stores/memoryVectorStore';
import { demoCourseContents } from '../test/support/demoContent';
import { benchQuestions, type BenchQuestion } from './questions';

export interface RecallReport {
  questions: number;
  recallAt1: number;
  recallAt3: number;
  /** Mean reciprocal rank of the answering lesson's first passage (0 when not in the top 10). */
  mrr: number;
  misses: { question: BenchQuestion; got: string[] }[];
}

/** Rank is by lesson: several passages of one lesson count as that lesson once. */
export async function measureRecall(embedder: Embedder, questions = benchQuestions): Promise<RecallReport> {
  const store = await createMemoryVectorStore({ directory: null });
  const retriever = new Retriever({ store, embedder, logger: createLogger('bench', 'silent') });
  await retriever.open();
  for (const course of demoCourseContents().values()) await retriever.indexCourse(course);
  let at1 = 0;
  let at3 = 0;
  let reciprocal = 0;
  const misses: RecallReport['misses'] = [];
  for (const question of questions) {
    const hits = await retriever.search({ courseId: question.courseId, text: question.question, limit: 10 });
    const lessons = [...new Set(hits.map((hit) => hit.lessonId))];
    const rank = lessons.indexOf(question.lessonId);
    if (rank === 0) at1++;
    if (rank >= 0 && rank < 3) at3++;
    else misses.push({ question, got: lessons.slice(0, 3) });
    if (rank >= 0) reciprocal += 1 / (rank + 1);
  }
  await store.close();
  const n = questions.length;
  return { questions: n, recallAt1: at1 / n, recallAt3: at3 / n, mrr: reciprocal / n, misses };
}
