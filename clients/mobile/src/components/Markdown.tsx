/**
 * Lesson Markdown (readings, quiz prompts, lab instructions, tutor answers) as native views:
 * marked's lexer reads the source and each token becomes a Text or a View, so nothing is parsed
 * as HTML (raw HTML shows as the text it is). Headings are headers for screen readers, links open
 * through Linking, fenced code keeps its lines in a monospace block that scrolls sideways rather
 * than wrapping, and every text is selectable.
 */
import { Fragment, type ReactNode } from 'react';
import { Linking, ScrollView, Text, View } from 'react-native';
import { marked, type Token, type Tokens } from 'marked';
import { useTheme, type Theme } from '../theme';

const HEADING_SIZES = [26, 22, 19, 17, 16, 15] as const;

export function Markdown({ source }: { source: string }) {
  const theme = useTheme();
  const tokens = marked.lexer(source);
  return <View style={{ gap: theme.spacing.md }}>{blocks(tokens, theme)}</View>;
}

function blocks(tokens: Token[], theme: Theme): ReactNode[] {
  return tokens.map((token, index) => <Fragment key={index}>{block(token, theme)}</Fragment>);
}

function block(token: Token, theme: Theme): ReactNode {
  const { colors, spacing } = theme;
  const body = { color: colors.text, fontSize: 16, lineHeight: 23 };
  switch (token.type) {
    case 'heading': {
      const heading = token as Tokens.Heading;
      const size = HEADING_SIZES[heading.depth - 1] ?? 15;
      return (
        <Text
          selectable
          accessibilityRole="header"
          style={{ color: colors.text, fontSize: size, fontWeight: '700' }}
        >
          {inlines(heading.tokens, theme)}
        </Text>
      );
    }
    case 'paragraph':
      return (
        <Text selectable style={body}>
          {inlines((token as Tokens.Paragraph).tokens, theme)}
        </Text>
      );
    case 'text': {
      const text = token as Tokens.Text;
      return (
        <Text selectable style={body}>
          {text.tokens ? inlines(text.tokens, theme) : text.text}
        </Text>
      );
    }
    case 'list': {
      const list = token as Tokens.List;
      const first = typeof list.start === 'number' ? list.start : 1;
      return (
        <View accessibilityRole="list" style={{ gap: spacing.xs }}>
          {list.items.map((item, index) => (
            <View key={index} style={{ flexDirection: 'row', gap: spacing.sm }}>
              <Text style={body}>{list.ordered ? `${first + index}.` : '•'}</Text>
              <View style={{ flex: 1, gap: spacing.xs }}>{blocks(item.tokens, theme)}</View>
            </View>
          ))}
        </View>
      );
    }
    case 'code':
      return (
        <ScrollView
          horizontal
          accessibilityLabel={(token as Tokens.Code).lang ? `Code, ${(token as Tokens.Code).lang}` : 'Code'}
          style={{ backgroundColor: colors.code, borderRadius: 8 }}
          contentContainerStyle={{ padding: spacing.md }}
        >
          <Text
            selectable
            style={{ fontFamily: 'monospace', fontSize: 14, lineHeight: 20, color: colors.codeText }}
          >
            {(token as Tokens.Code).text}
          </Text>
        </ScrollView>
      );
    case 'blockquote':
      return (
        <View
          style={{
            borderLeftWidth: 3,
            borderLeftColor: colors.border,
            paddingLeft: spacing.md,
            gap: spacing.sm,
          }}
        >
          {blocks((token as Tokens.Blockquote).tokens, theme)}
        </View>
      );
    case 'hr':
      return <View style={{ borderBottomWidth: 1, borderBottomColor: colors.border }} />;
    case 'table': {
      const table = token as Tokens.Table;
      // A phone has no room for columns: each row reads as "header: cell" lines.
      return (
        <View style={{ gap: spacing.sm }}>
          {table.rows.map((row, rowIndex) => (
            <View
              key={rowIndex}
              style={{ borderWidth: 1, borderColor: colors.border, borderRadius: 6, padding: spacing.sm }}
            >
              {row.map((cell, cellIndex) => (
                <Text key={cellIndex} selectable style={body}>
                  <Text style={{ fontWeight: '700' }}>{table.header[cellIndex]?.text ?? ''}: </Text>
                  {inlines(cell.tokens, theme)}
                </Text>
              ))}
            </View>
          ))}
        </View>
      );
    }
    case 'space':
    case 'def':
      return null;
    default:
      // Raw HTML and anything newer than this renderer: shown as the text it is.
      return (
        <Text selectable style={body}>
          {token.raw.trim()}
        </Text>
      );
  }
}

function inlines(tokens: Token[] | undefined, theme: Theme): ReactNode[] {
  return (tokens ?? []).map((token, index) => <Fragment key={index}>{inline(token, theme)}</Fragment>);
}

function inline(token: Token, theme: Theme): ReactNode {
  const { colors } = theme;
  switch (token.type) {
    case 'strong':
      return <Text style={{ fontWeight: '700' }}>{inlines((token as Tokens.Strong).tokens, theme)}</Text>;
    case 'em':
      return <Text style={{ fontStyle: 'italic' }}>{inlines((token as Tokens.Em).tokens, theme)}</Text>;
    case 'del':
      return (
        <Text style={{ textDecorationLine: 'line-through' }}>
          {inlines((token as Tokens.Del).tokens, theme)}
        </Text>
      );
    case 'codespan':
      return (
        <Text style={{ fontFamily: 'monospace', backgroundColor: colors.code, color: colors.codeText }}>
          {(token as Tokens.Codespan).text}
        </Text>
      );
    case 'link': {
      const link = token as Tokens.Link;
      return (
        <Text
          accessibilityRole="link"
          style={{ color: colors.primary, textDecorationLine: 'underline' }}
          onPress={() => void Linking.openURL(link.href).catch(() => undefined)}
        >
          {inlines(link.tokens, theme)}
        </Text>
      );
    }
    case 'image':
      return <Text>{(token as Tokens.Image).text}</Text>;
    case 'br':
      return '\n';
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inlines(text.tokens, theme) : text.text;
    }
    case 'escape':
      return (token as Tokens.Escape).text;
    default:
      return token.raw;
  }
}
