/** A lesson's status as a small symbol that screen readers hear as words. */
import { Text } from 'react-native';
import type { LessonStatus } from '@learncraft/operations/types';
import { useTheme } from '../theme';

export const LESSON_STATUS_LABELS: Record<LessonStatus, [symbol: string, label: string]> = {
  NOT_STARTED: ['○', 'Not started'],
  IN_PROGRESS: ['◐', 'In progress'],
  COMPLETED: ['●', 'Completed'],
};

export function LessonStatusIcon({ status }: { status: LessonStatus | undefined }) {
  const { colors } = useTheme();
  if (!status)
    return <Text style={{ minWidth: 20 }} accessibilityElementsHidden importantForAccessibility="no" />;
  const [symbol, label] = LESSON_STATUS_LABELS[status];
  return (
    <Text
      accessibilityLabel={label}
      style={{ minWidth: 20, fontSize: 16, color: status === 'COMPLETED' ? colors.success : colors.muted }}
    >
      {symbol}
    </Text>
  );
}
