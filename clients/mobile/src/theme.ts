/**
 * Colours and spacing for light and dark mode. Every screen takes its colours from `useTheme()`, so
 * the app follows the system's appearance; sizes are minimums (never fixed heights), so text the
 * learner enlarges in the system settings wraps instead of being clipped.
 */
import { useColorScheme } from 'react-native';

export interface Palette {
  background: string;
  surface: string;
  border: string;
  text: string;
  muted: string;
  primary: string;
  onPrimary: string;
  danger: string;
  success: string;
  warning: string;
  code: string;
  codeText: string;
}

export const LIGHT: Palette = {
  background: '#f7f7fb',
  surface: '#ffffff',
  border: '#d0d3dc',
  text: '#15171c',
  muted: '#545b69',
  primary: '#3b3fc4',
  onPrimary: '#ffffff',
  danger: '#b3261e',
  success: '#1b6e3a',
  warning: '#8a5a00',
  code: '#eef0f5',
  codeText: '#15171c',
};

export const DARK: Palette = {
  background: '#0f1115',
  surface: '#1a1d24',
  border: '#3a3f4b',
  text: '#eceef3',
  muted: '#a9afbd',
  primary: '#9ea2ff',
  onPrimary: '#0f1115',
  danger: '#ffb4ab',
  success: '#7fdc9c',
  warning: '#f5c46b',
  code: '#0b0d10',
  codeText: '#e6e8ee',
};

export const SPACING = { xs: 4, sm: 8, md: 12, lg: 16, xl: 24 } as const;

/** The smallest touch target on every control (WCAG 2.5.5 / platform guidelines). */
export const MIN_TOUCH = 44;

export interface Theme {
  dark: boolean;
  colors: Palette;
  spacing: typeof SPACING;
}

export function themeFor(scheme: string | null | undefined): Theme {
  const dark = scheme === 'dark';
  return { dark, colors: dark ? DARK : LIGHT, spacing: SPACING };
}

export function useTheme(): Theme {
  return themeFor(useColorScheme());
}
