/** A reading: the Markdown (code highlighted, sanitised), then completion. */
import { Markdown } from '../../components/Markdown';
import { CompleteButton } from './CompleteButton';
import type { LessonPartProps, ReadingContentData } from './types';

export function ReadingLesson({ lesson, content, enrolled }: LessonPartProps<ReadingContentData>) {
  return (
    <>
      <Markdown source={content.markdown} className="reading" />
      <CompleteButton lesson={lesson} enrolled={enrolled} />
    </>
  );
}
