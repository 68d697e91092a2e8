/**
 * A video's transcript as a list of its cues, each a button that moves the video (or, when the
 * media cannot play, the learner's saved position) to where the cue starts. The cue being spoken
 * is marked, for sight and for screen readers (selected).
 */
import { Pressable, Text, View } from 'react-native';
import { clock } from '@learncraft/operations/format';
import type { Cue } from '@learncraft/operations/vtt';
import { Body, Heading } from '../ui';
import { MIN_TOUCH, useTheme } from '../theme';

export function Transcript({
  cues,
  activeIndex,
  onChoose,
}: {
  cues: readonly Cue[];
  /** The cue at the current position; -1 for none. */
  activeIndex: number;
  onChoose: (seconds: number) => void;
}) {
  const { colors, spacing } = useTheme();
  return (
    <View style={{ gap: spacing.sm }}>
      <Heading level={2}>Transcript</Heading>
      {cues.length === 0 ? (
        <Body>No transcript is available for this video.</Body>
      ) : (
        <View accessibilityRole="list">
          {cues.map((cue, index) => {
            const active = index === activeIndex;
            return (
              <Pressable
                key={`${cue.start}-${index}`}
                accessibilityRole="button"
                accessibilityLabel={`${clock(cue.start)} ${cue.text}`}
                accessibilityHint="Plays the video from here"
                aria-selected={active}
                onPress={() => onChoose(cue.start)}
                style={({ pressed }) => ({
                  minHeight: MIN_TOUCH,
                  flexDirection: 'row',
                  gap: spacing.md,
                  paddingVertical: spacing.sm,
                  paddingHorizontal: spacing.sm,
                  borderRadius: 6,
                  backgroundColor: active ? colors.surface : 'transparent',
                  borderLeftWidth: 3,
                  borderLeftColor: active ? colors.primary : 'transparent',
                  opacity: pressed ? 0.7 : 1,
                })}
              >
                <Text style={{ color: colors.muted, fontSize: 15, fontVariant: ['tabular-nums'] }}>
                  {clock(cue.start)}
                </Text>
                <Text style={{ color: colors.text, fontSize: 16, lineHeight: 23, flex: 1 }}>{cue.text}</Text>
              </Pressable>
            );
          })}
        </View>
      )}
    </View>
  );
}
