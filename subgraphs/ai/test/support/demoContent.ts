/**
 * The catalog's demo courses as the catalog would hand them to the ai subgraph for indexing:
 * the same text, with ids made readable (`<course slug>/<lesson key>`) so tests and the retrieval
 * bench can name the lesson they expect. Correct answers, checks and setup scripts are dropped, as
 * the real hand-over drops them.
 */
import type { CourseContent } from '../../src/domain/content';
import { demoCourses, type DemoCourse } from '../../../catalog/src/seed/demoCatalog';

export function demoCourseContent(demo: DemoCourse, version = 1): CourseContent {
  return {
    id: demo.slug,
    version,
    title: demo.title,
    published: true,
    instructorIds: [],
    lessons: demo.modules.flatMap((module) =>
      module.lessons.map((lesson) => ({
        id: `${demo.slug}/${lesson.key}`,
        title: lesson.title,
        kind: lesson.kind,
        moduleId: `${demo.slug}/${module.key}`,
        moduleTitle: module.title,
        markdown: lesson.reading?.markdown ?? null,
        transcriptVtt: lesson.video?.transcriptVtt ?? null,
        lab: lesson.lab
          ? {
              instructions: lesson.lab.instructionsMarkdown,
              steps: lesson.lab.steps.map((step) => ({
                id: step.key,
                title: step.title,
                instructions: step.instructionsMarkdown,
              })),
            }
          : null,
        quiz: lesson.quiz
          ? {
              questions: lesson.quiz.questions.map((question) => ({
                id: question.key,
                prompt: question.prompt,
                options: question.options.map((option) => ({ id: option.key, label: option.label })),
                explanation: question.explanation,
              })),
            }
          : null,
      })),
    ),
  };
}

/** Every demo course, keyed by slug. */
export function demoCourseContents(): Map<string, CourseContent> {
  return new Map(demoCourses.map((demo) => [demo.slug, demoCourseContent(demo)]));
}
