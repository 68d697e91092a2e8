/**
 * The lab terminal on a phone: the shared TerminalConnection (clients/operations terminal.ts)
 * drives a `ScrollbackTerminal`, this module's TerminalAdapter, and `<Terminal>` shows it. There is
 * no emulator: output becomes a scrollback of plain text (see TerminalScreen), and input is typed
 * in a line that is sent on submit, with buttons for the keys a phone keyboard lacks (Tab, Ctrl-C,
 * Ctrl-D, Esc and the arrows).
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Pressable, ScrollView, Text, TextInput, View, type LayoutChangeEvent } from 'react-native';
import type { Disposable, TerminalAdapter, TerminalSize } from '@learncraft/operations/terminal';
import { MIN_TOUCH, useTheme } from '../theme';
import { TerminalScreen } from './learning/terminalScreen';

/** The bytes each extra key sends, as a VT100-style terminal sends them. */
export const TERMINAL_KEYS = [
  { label: 'Tab', accessibilityLabel: 'Tab', data: '\t' },
  { label: 'Ctrl-C', accessibilityLabel: 'Control C, interrupt', data: '\x03' },
  { label: 'Ctrl-D', accessibilityLabel: 'Control D, end of input', data: '\x04' },
  { label: 'Esc', accessibilityLabel: 'Escape', data: '\x1b' },
  { label: '↑', accessibilityLabel: 'Arrow up', data: '\x1b[A' },
  { label: '↓', accessibilityLabel: 'Arrow down', data: '\x1b[B' },
  { label: '←', accessibilityLabel: 'Arrow left', data: '\x1b[D' },
  { label: '→', accessibilityLabel: 'Arrow right', data: '\x1b[C' },
] as const;

const FONT_SIZE = 13;
/** A monospace glyph is about this wide for its font size: how many columns fit the view. */
const GLYPH_WIDTH_RATIO = 0.6;

function listeners<T>() {
  const set = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void): Disposable {
      set.add(listener);
      return { dispose: () => set.delete(listener) };
    },
    emit(value: T) {
      for (const listener of set) listener(value);
    },
  };
}

/** The TerminalAdapter the connection writes to and reads keys from; `<Terminal>` renders it. */
export class ScrollbackTerminal implements TerminalAdapter {
  private readonly screen = new TerminalScreen();
  private readonly inputs = listeners<string>();
  private readonly resizes = listeners<TerminalSize>();
  private readonly changes = new Set<() => void>();
  private currentSize: TerminalSize = { cols: 80, rows: 24 };

  get size(): TerminalSize {
    return this.currentSize;
  }

  /** The scrollback's text (what the learner sees). */
  get text(): string {
    return this.screen.text;
  }

  write(output: string): void {
    this.screen.write(output);
    for (const change of this.changes) change();
  }

  onInput(listener: (data: string) => void): Disposable {
    return this.inputs.add(listener);
  }

  onResize(listener: (size: TerminalSize) => void): Disposable {
    return this.resizes.add(listener);
  }

  /** Keys the learner typed or pressed, toward the shell. */
  send(data: string): void {
    this.inputs.emit(data);
  }

  resize(size: TerminalSize): void {
    if (size.cols === this.currentSize.cols && size.rows === this.currentSize.rows) return;
    this.currentSize = size;
    this.resizes.emit(size);
  }

  /** For useSyncExternalStore: called after each write. */
  subscribe = (onChange: () => void): (() => void) => {
    this.changes.add(onChange);
    return () => this.changes.delete(onChange);
  };
}

export function Terminal({ terminal }: { terminal: ScrollbackTerminal }) {
  const { colors, spacing } = useTheme();
  const text = useSyncExternalStore(terminal.subscribe, () => terminal.text);
  const [line, setLine] = useState('');
  const [scroller, setScroller] = useState<ScrollView | null>(null);
  useEffect(() => {
    scroller?.scrollToEnd({ animated: false });
  }, [text, scroller]);

  const onLayout = (event: LayoutChangeEvent) => {
    const cols = Math.max(20, Math.floor(event.nativeEvent.layout.width / (FONT_SIZE * GLYPH_WIDTH_RATIO)));
    terminal.resize({ cols, rows: terminal.size.rows });
  };
  // What is typed so far goes first, so Tab completes it and Ctrl-C interrupts after it.
  const sendKey = (data: string) => {
    terminal.send(line + data);
    setLine('');
  };
  const monospace = { fontFamily: 'monospace', fontSize: FONT_SIZE, color: colors.codeText };

  return (
    <View style={{ gap: spacing.sm }}>
      <ScrollView
        ref={setScroller}
        accessibilityLabel="Terminal output"
        // The lab screen scrolls too: Android scrolls an inner view only when told it may.
        nestedScrollEnabled
        onLayout={onLayout}
        style={{ minHeight: 240, maxHeight: 420, backgroundColor: colors.code, borderRadius: 8 }}
        contentContainerStyle={{ padding: spacing.sm }}
      >
        <Text selectable accessibilityLiveRegion="polite" role="log" style={monospace}>
          {text}
        </Text>
      </ScrollView>
      <TextInput
        accessibilityLabel="Terminal input"
        accessibilityHint="Sent to the shell when you press return"
        value={line}
        onChangeText={setLine}
        onSubmitEditing={() => sendKey('\r')}
        submitBehavior="submit"
        autoCapitalize="none"
        autoCorrect={false}
        spellCheck={false}
        returnKeyType="send"
        placeholder="Type a command"
        placeholderTextColor={colors.muted}
        style={[
          monospace,
          {
            minHeight: MIN_TOUCH,
            borderWidth: 1,
            borderColor: colors.border,
            borderRadius: 8,
            paddingHorizontal: spacing.md,
            color: colors.text,
            backgroundColor: colors.surface,
          },
        ]}
      />
      <View style={{ flexDirection: 'row', flexWrap: 'wrap', gap: spacing.xs }}>
        {TERMINAL_KEYS.map((key) => (
          <Pressable
            key={key.label}
            accessibilityRole="button"
            accessibilityLabel={key.accessibilityLabel}
            onPress={() => sendKey(key.data)}
            style={({ pressed }) => ({
              minWidth: MIN_TOUCH,
              minHeight: MIN_TOUCH,
              paddingHorizontal: spacing.sm,
              alignItems: 'center',
              justifyContent: 'center',
              borderRadius: 8,
              borderWidth: 1,
              borderColor: colors.border,
              backgroundColor: colors.surface,
              opacity: pressed ? 0.7 : 1,
            })}
          >
            <Text style={{ color: colors.text, fontSize: 15, fontWeight: '600' }}>{key.label}</Text>
          </Pressable>
        ))}
      </View>
    </View>
  );
}
