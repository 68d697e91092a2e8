/**
 * Fails a test when a control on the screen has no accessible name: every pressable host element
 * (anything with a press handler or a responder, as Pressable renders) and every text input must
 * carry an accessibility role or be an input, and an explicit `accessibilityLabel`/`aria-label`.
 */
import { screen } from '@testing-library/react-native';
import type { TestInstance } from 'test-renderer';

function isPressable(node: TestInstance): boolean {
  const props = node.props;
  return typeof props.onClick === 'function' || typeof props.onResponderRelease === 'function';
}

function label(node: TestInstance): string | undefined {
  const value: unknown = node.props.accessibilityLabel ?? node.props['aria-label'];
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function describe(node: TestInstance): string {
  const texts: string[] = [];
  const walk = (current: TestInstance | string) => {
    if (typeof current === 'string') texts.push(current);
    else current.children.forEach(walk);
  };
  walk(node);
  return `<${node.type}> "${texts.join(' ').slice(0, 60)}"`;
}

/** The controls on screen that a screen reader could not name (empty when all are labelled). */
export function unlabelledControls(): string[] {
  const controls = screen.container.queryAll((node) => isPressable(node) || node.type === 'TextInput');
  return controls
    .filter((node) => {
      const role: unknown = node.props.accessibilityRole ?? node.props.role;
      const hasRole = node.type === 'TextInput' || (typeof role === 'string' && role !== 'none');
      return !hasRole || !label(node);
    })
    .map(describe);
}

/** Asserts that at least one control is on screen and that each has a role and a label. */
export function expectEveryControlLabelled(): void {
  const controls = screen.container.queryAll((node) => isPressable(node) || node.type === 'TextInput');
  expect(controls.length).toBeGreaterThan(0);
  expect(unlabelledControls()).toEqual([]);
}
