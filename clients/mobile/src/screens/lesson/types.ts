/** The shapes the lesson parts receive, narrowed from the LessonPage query (as on the web). */
import type { LessonPageQuery } from '@learncraft/operations/types';

export type CourseData = NonNullable<LessonPageQuery['course']>;
export type LessonData = NonNullable<CourseData['lesson']>;
type Content = LessonData['content'];
export type VideoContentData = Extract<Content, { __typename: 'VideoContent' }>;
export type ReadingContentData = Extract<Content, { __typename: 'ReadingContent' }>;
export type QuizContentData = Extract<Content, { __typename: 'QuizContent' }>;
export type LabContentData = Extract<Content, { __typename: 'LabContent' }>;

export interface LessonPartProps<C> {
  lesson: LessonData;
  content: C;
  enrolled: boolean;
}
