/** A reading: the Markdown (code in monospace, selectable), then completion through the outbox. */
import { View } from 'react-native';
import { CompleteButton } from '../../components/learning/CompleteButton';
import { Markdown } from '../../components/Markdown';
import { useTheme } from '../../theme';
import type { LessonPartProps, ReadingContentData } from './types';

export function ReadingLesson({ lesson, content, enrolled }: LessonPartProps<ReadingContentData>) {
  const { spacing } = useTheme();
  return (
    <View style={{ gap: spacing.lg }}>
      <Markdown source={content.markdown} />
      <CompleteButton lesson={lesson} enrolled={enrolled} />
    </View>
  );
}
