/**
 * The banner above every screen while the app is offline: what that means for the learner's work
 * (kept on the phone, sent on reconnect), how many changes wait, and a Retry. Online, it only
 * shows when saved changes wait for the learner to sign in again.
 */
import { Text, View } from 'react-native';
import { Button } from '../ui';
import { useTheme } from '../theme';
import { useConnection } from './network';
import { useOptionalOutbox } from './OutboxContext';

export function pendingLabel(count: number): string {
  return `${count} ${count === 1 ? 'change' : 'changes'} waiting to be sent`;
}

export function ConnectionBanner() {
  const { online, retry } = useConnection();
  const outbox = useOptionalOutbox();
  const { colors, spacing } = useTheme();
  const count = outbox?.pending.length ?? 0;
  const needsSignIn = online && count > 0 && outbox?.blockedBy === 'unauthenticated';
  if (online && !needsSignIn) return null;
  return (
    <View
      role={online ? 'status' : 'alert'}
      accessibilityLiveRegion="polite"
      style={{
        flexDirection: 'row',
        flexWrap: 'wrap',
        alignItems: 'center',
        gap: spacing.sm,
        padding: spacing.md,
        backgroundColor: colors.surface,
        borderBottomWidth: 2,
        borderBottomColor: colors.warning,
      }}
    >
      <View style={{ flexGrow: 1, flexShrink: 1, flexBasis: 200, gap: spacing.xs }}>
        <Text style={{ color: colors.text, fontSize: 15, fontWeight: '600' }}>
          {online
            ? 'Sign in again to send your saved progress.'
            : 'You are offline — your progress is saved on this phone and sent when you reconnect.'}
        </Text>
        {count > 0 ? <Text style={{ color: colors.muted, fontSize: 14 }}>{pendingLabel(count)}</Text> : null}
      </View>
      {online ? null : (
        <Button
          label="Retry"
          variant="secondary"
          accessibilityHint="Checks the connection and sends your saved changes"
          onPress={retry}
        />
      )}
    </View>
  );
}
