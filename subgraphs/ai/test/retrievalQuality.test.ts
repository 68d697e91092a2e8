/**
 * Retrieval quality of the offline tutor: the bench questions name real demo lessons, and the
 * lexical retriever finds the answering lesson in its top three for at least 80% of them.
 */
import { benchQuestions } from '../bench/questions';
import { measureRecall } from '../bench/recall';
import { createLexicalEmbedder } from '../src/domain/lexical';
import { demoCourseContents } from './support/demoContent';

describe('the retrieval bench questions', () => {
  const courses = demoCourseContents();

  it('number at least 36, all different', () => {
    expect(benchQuestions.length).toBeGreaterThanOrEqual(36);
    expect(new Set(benchQuestions.map((q) => q.question)).size).toBe(benchQuestions.length);
  });

  it('each name a lesson of their own course', () => {
    const missing = benchQuestions.filter(
      (q) => !courses.get(q.courseId)?.lessons.some((lesson) => lesson.id === q.lessonId),
    );
    expect(missing).toEqual([]);
  });

  it('cover every demo course', () => {
    expect(new Set(benchQuestions.map((q) => q.courseId))).toEqual(new Set(courses.keys()));
  });
});

describe('the offline lexical retriever', () => {
  it('puts the answering lesson in the top three for at least 80% of the bench questions', async () => {
    const report = await measureRecall(createLexicalEmbedder());
    expect(report.questions).toBe(benchQuestions.length);
    expect(report.recallAt3).toBeGreaterThanOrEqual(0.8);
  });
});
