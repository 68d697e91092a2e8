/**
 * The shell: dark mode takes the dark palette (screens and navigation alike), the web paths and
 * `learncraft://` links open the right screens, and the control-label check fails on an
 * unlabelled control.
 */
import { Pressable, Text } from 'react-native';
import { render, screen } from '@testing-library/react-native';
import { getStateFromPath } from '@react-navigation/native';
import { linking } from '../../src/navigation/linking';
import { navigationTheme } from '../../src/navigation/theme';
import LoginScreen from '../../src/screens/LoginScreen';
import { DARK, LIGHT, themeFor } from '../../src/theme';
import { unlabelledControls } from './a11y';
import { renderScreen } from './harness';
import { ANONYMOUS } from './stubs/session';

jest.mock('../../src/auth/SessionContext', () => jest.requireActual('./stubs/session'), { virtual: true });
jest.mock('../../src/offline/DownloadsContext', () => jest.requireActual('./stubs/downloads'), {
  virtual: true,
});
jest.mock('expo-constants', () => jest.requireActual('./stubs/constants'));

const mockScheme = { current: 'light' as 'light' | 'dark' };
jest.mock('react-native/Libraries/Utilities/useColorScheme', () => ({
  __esModule: true,
  default: () => mockScheme.current,
}));

afterEach(() => {
  mockScheme.current = 'light';
});

function styleOf(node: { props: { style?: unknown } }): Record<string, unknown> {
  const flat = [node.props.style]
    .flat(Infinity)
    .filter((entry): entry is object => !!entry && typeof entry === 'object');
  return Object.assign({}, ...flat);
}

describe('dark mode', () => {
  test('a screen in dark mode draws its text and fields in the dark palette', async () => {
    mockScheme.current = 'dark';
    await renderScreen('Login', LoginScreen, undefined, { session: ANONYMOUS });
    expect(styleOf(screen.getByRole('header', { name: 'Log in' }))).toMatchObject({ color: DARK.text });
    expect(styleOf(screen.getByLabelText('Email'))).toMatchObject({
      color: DARK.text,
      backgroundColor: DARK.surface,
      borderColor: DARK.border,
    });
  });

  test('the same screen in light mode uses the light palette', async () => {
    await renderScreen('Login', LoginScreen, undefined, { session: ANONYMOUS });
    expect(styleOf(screen.getByRole('header', { name: 'Log in' }))).toMatchObject({ color: LIGHT.text });
  });

  test('the navigation theme follows the palette', () => {
    expect(navigationTheme(themeFor('dark'))).toMatchObject({
      dark: true,
      colors: { background: DARK.background, card: DARK.surface, text: DARK.text, primary: DARK.primary },
    });
    expect(navigationTheme(themeFor('light')).colors.background).toBe(LIGHT.background);
  });
});

describe('links', () => {
  const routeAt = (path: string) => {
    const state = (linking.getStateFromPath ?? getStateFromPath)(path, linking.config);
    const route = state?.routes.at(-1);
    const nested = route?.state?.routes.at(-1);
    return { name: route?.name, params: route?.params, tab: nested?.name };
  };

  test('the web app’s paths open the same screens', () => {
    expect(routeAt('/courses/typescript-basics')).toEqual({
      name: 'Course',
      params: { slug: 'typescript-basics' },
      tab: undefined,
    });
    expect(routeAt('/courses/typescript-basics/lessons/lesson-2')).toMatchObject({
      name: 'Lesson',
      params: { courseSlug: 'typescript-basics', lessonId: 'lesson-2' },
    });
    expect(routeAt('/orders/order-1')).toMatchObject({ name: 'Order', params: { orderId: 'order-1' } });
    expect(routeAt('/checkout?course=course-ts')).toMatchObject({
      name: 'Checkout',
      params: { courseId: 'course-ts' },
    });
    expect(routeAt('/checkout?plan=plan-1')).toMatchObject({
      name: 'Checkout',
      params: { planId: 'plan-1' },
    });
    expect(routeAt('/login')).toMatchObject({ name: 'Login' });
    expect(routeAt('/dashboard')).toMatchObject({ name: 'Tabs', tab: 'Dashboard' });
    expect(routeAt('/search')).toMatchObject({ name: 'Tabs', tab: 'Search' });
  });

  test('Stripe’s return to learncraft://checkout/return opens the orders', () => {
    expect(linking.prefixes).toContain('learncraft://');
    expect(routeAt('/checkout/return')).toMatchObject({ name: 'Orders' });
  });
});

describe('the control-label check', () => {
  test('names a pressable without a label, and passes a labelled one', async () => {
    await render(
      <>
        <Pressable accessibilityRole="button" accessibilityLabel="Labelled" onPress={() => undefined}>
          <Text>Labelled</Text>
        </Pressable>
        <Pressable onPress={() => undefined}>
          <Text>Nameless</Text>
        </Pressable>
      </>,
    );
    expect(unlabelledControls()).toEqual(['<View> "Nameless"']);
  });
});
