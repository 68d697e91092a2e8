/** A labelled progress bar (0 to 100 %) with its "N% complete" text, exposed as a progressbar. */
import { Text, View } from 'react-native';
import { useTheme } from '../theme';

export function ProgressBar({ percent, label }: { percent: number; label: string }) {
  const { colors, spacing } = useTheme();
  const clamped = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <View style={{ gap: spacing.xs }}>
      <View
        accessible
        accessibilityRole="progressbar"
        accessibilityLabel={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={clamped}
        aria-valuetext={`${clamped}% complete`}
        style={{ height: 8, borderRadius: 4, backgroundColor: colors.border, overflow: 'hidden' }}
      >
        <View style={{ width: `${clamped}%`, height: '100%', backgroundColor: colors.primary }} />
      </View>
      <Text style={{ color: colors.muted, fontSize: 14 }}>{clamped}% complete</Text>
    </View>
  );
}
