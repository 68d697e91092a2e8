/**
 * The app's building blocks: every screen is made of these, so each control has an accessible
 * label and role, a touch target of at least 44 points and the theme's colours, and text scales
 * with the system's font size.
 */
import type { ReactNode } from 'react';
import {
  ActivityIndicator,
  Pressable,
  RefreshControl,
  ScrollView,
  StyleSheet,
  Text,
  TextInput,
  View,
  type TextInputProps,
  type StyleProp,
  type ViewStyle,
} from 'react-native';
import { MIN_TOUCH, useTheme } from '../theme';

export function Screen(props: {
  children: ReactNode;
  /** Pull to refresh, where the screen shows server data. */
  onRefresh?: () => void;
  refreshing?: boolean;
  scroll?: boolean;
}) {
  const { colors, spacing } = useTheme();
  const style = { flexGrow: 1, padding: spacing.lg, gap: spacing.md, backgroundColor: colors.background };
  if (props.scroll === false) return <View style={[style, { flex: 1 }]}>{props.children}</View>;
  return (
    <ScrollView
      style={{ backgroundColor: colors.background }}
      contentContainerStyle={style}
      keyboardShouldPersistTaps="handled"
      refreshControl={
        props.onRefresh ? (
          <RefreshControl refreshing={props.refreshing ?? false} onRefresh={props.onRefresh} />
        ) : undefined
      }
    >
      {props.children}
    </ScrollView>
  );
}

export function Heading(props: { children: ReactNode; level?: 1 | 2 | 3 }) {
  const { colors } = useTheme();
  const size = { 1: 26, 2: 21, 3: 18 }[props.level ?? 1];
  return (
    <Text accessibilityRole="header" style={{ color: colors.text, fontSize: size, fontWeight: '700' }}>
      {props.children}
    </Text>
  );
}

export function Body(props: { children: ReactNode; muted?: boolean; selectable?: boolean }) {
  const { colors } = useTheme();
  return (
    <Text
      selectable={props.selectable}
      style={{ color: props.muted ? colors.muted : colors.text, fontSize: 16, lineHeight: 23 }}
    >
      {props.children}
    </Text>
  );
}

export type ButtonVariant = 'primary' | 'secondary' | 'danger';

export function Button(props: {
  label: string;
  onPress: () => void;
  /** Read by screen readers when the visible label is not enough, e.g. "Enroll in TypeScript". */
  accessibilityLabel?: string;
  accessibilityHint?: string;
  variant?: ButtonVariant;
  disabled?: boolean;
  busy?: boolean;
  style?: StyleProp<ViewStyle>;
}) {
  const { colors, spacing } = useTheme();
  const variant = props.variant ?? 'primary';
  const disabled = props.disabled || props.busy;
  const background =
    variant === 'primary' ? colors.primary : variant === 'danger' ? colors.danger : colors.surface;
  const foreground = variant === 'secondary' ? colors.text : colors.onPrimary;
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityLabel={props.accessibilityLabel ?? props.label}
      accessibilityHint={props.accessibilityHint}
      aria-disabled={!!disabled}
      aria-busy={!!props.busy}
      disabled={disabled}
      onPress={props.onPress}
      style={({ pressed }) => [
        {
          minHeight: MIN_TOUCH,
          paddingHorizontal: spacing.lg,
          paddingVertical: spacing.sm,
          borderRadius: 8,
          borderWidth: 1,
          borderColor: variant === 'secondary' ? colors.border : background,
          backgroundColor: background,
          alignItems: 'center',
          justifyContent: 'center',
          flexDirection: 'row',
          gap: spacing.sm,
          opacity: disabled ? 0.55 : pressed ? 0.8 : 1,
        },
        props.style,
      ]}
    >
      {props.busy ? <ActivityIndicator color={foreground} /> : null}
      <Text style={{ color: foreground, fontSize: 16, fontWeight: '600', textAlign: 'center' }}>
        {props.label}
      </Text>
    </Pressable>
  );
}

export function TextField(
  props: TextInputProps & { label: string; error?: string | null | undefined; hint?: string },
) {
  const { colors, spacing } = useTheme();
  const { label, error, hint, style, ...input } = props;
  return (
    <View style={{ gap: spacing.xs }}>
      <Text style={{ color: colors.text, fontSize: 15, fontWeight: '600' }}>{label}</Text>
      <TextInput
        accessibilityLabel={label}
        accessibilityHint={hint}
        placeholderTextColor={colors.muted}
        {...input}
        style={[
          {
            minHeight: MIN_TOUCH,
            borderWidth: 1,
            borderColor: error ? colors.danger : colors.border,
            borderRadius: 8,
            paddingHorizontal: spacing.md,
            paddingVertical: spacing.sm,
            color: colors.text,
            backgroundColor: colors.surface,
            fontSize: 16,
          },
          style,
        ]}
      />
      {error ? (
        <Text accessibilityLiveRegion="polite" role="alert" style={{ color: colors.danger, fontSize: 14 }}>
          {error}
        </Text>
      ) : hint ? (
        <Text style={{ color: colors.muted, fontSize: 14 }}>{hint}</Text>
      ) : null}
    </View>
  );
}

export function Card(props: { children: ReactNode; onPress?: () => void; accessibilityLabel?: string }) {
  const { colors, spacing } = useTheme();
  const style = {
    padding: spacing.lg,
    gap: spacing.sm,
    borderRadius: 12,
    borderWidth: StyleSheet.hairlineWidth,
    borderColor: colors.border,
    backgroundColor: colors.surface,
  };
  if (!props.onPress) return <View style={style}>{props.children}</View>;
  return (
    <Pressable
      accessibilityRole="link"
      accessibilityLabel={props.accessibilityLabel}
      onPress={props.onPress}
      style={({ pressed }) => [style, { opacity: pressed ? 0.85 : 1 }]}
    >
      {props.children}
    </Pressable>
  );
}

export function Loading(props: { label?: string }) {
  const { colors } = useTheme();
  return (
    <View
      accessibilityRole="progressbar"
      accessibilityLabel={props.label ?? 'Loading'}
      style={{ padding: 24 }}
    >
      <ActivityIndicator color={colors.primary} />
    </View>
  );
}

/** A failure the learner can act on: what went wrong and, when it can help, a retry. */
export function ErrorState(props: { title: string; message?: string; onRetry?: () => void }) {
  const { colors, spacing } = useTheme();
  return (
    <View accessible role="alert" style={{ gap: spacing.sm, padding: spacing.lg }}>
      <Text style={{ color: colors.danger, fontSize: 18, fontWeight: '700' }}>{props.title}</Text>
      {props.message ? <Body muted>{props.message}</Body> : null}
      {props.onRetry ? <Button label="Try again" variant="secondary" onPress={props.onRetry} /> : null}
    </View>
  );
}

/** A notice in the flow of the screen: info, success, a warning or an error (role alert). */
export function Notice(props: { tone: 'info' | 'success' | 'warning' | 'error'; children: ReactNode }) {
  const { colors, spacing } = useTheme();
  const color = {
    info: colors.primary,
    success: colors.success,
    warning: colors.warning,
    error: colors.danger,
  }[props.tone];
  return (
    <View
      accessible
      role={props.tone === 'error' ? 'alert' : 'status'}
      accessibilityLiveRegion="polite"
      style={{
        borderLeftWidth: 4,
        borderLeftColor: color,
        padding: spacing.md,
        backgroundColor: colors.surface,
      }}
    >
      <Text style={{ color: colors.text, fontSize: 15 }}>{props.children}</Text>
    </View>
  );
}
