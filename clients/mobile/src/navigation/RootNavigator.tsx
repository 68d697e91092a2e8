/**
 * Every screen of the app: a native stack whose first screen is the bottom tabs (Home, Search,
 * Dashboard, Account), with the course, lesson, lab, tutor, checkout, orders and downloads screens
 * pushed over them. A session that can no longer be refreshed sends the learner to log in, as the
 * web app does.
 */
import { useEffect } from 'react';
import { Text } from 'react-native';
import { createBottomTabNavigator } from '@react-navigation/bottom-tabs';
import { createNavigationContainerRef } from '@react-navigation/native';
import { createNativeStackNavigator } from '@react-navigation/native-stack';
import { useSession } from '../auth/SessionContext';
import AccountScreen from '../screens/AccountScreen';
import CheckoutScreen from '../screens/CheckoutScreen';
import CourseScreen from '../screens/CourseScreen';
import DashboardScreen from '../screens/DashboardScreen';
import DownloadsScreen from '../screens/DownloadsScreen';
import HomeScreen from '../screens/HomeScreen';
import LabScreen from '../screens/LabScreen';
import LessonScreen from '../screens/LessonScreen';
import LoginScreen from '../screens/LoginScreen';
import OrderScreen from '../screens/OrderScreen';
import OrdersScreen from '../screens/OrdersScreen';
import SearchScreen from '../screens/SearchScreen';
import SignupScreen from '../screens/SignupScreen';
import TutorScreen from '../screens/TutorScreen';
import { useTheme } from '../theme';
import type { RootStackParamList, TabParamList } from './types';

const Stack = createNativeStackNavigator<RootStackParamList>();
const Tab = createBottomTabNavigator<TabParamList>();

/** A tab's symbol; the tab's label is what screen readers say. */
const TAB_SYMBOLS: Record<keyof TabParamList, string> = {
  Home: '⌂',
  Search: '⌕',
  Dashboard: '▤',
  Account: '☺',
};

function Tabs() {
  return (
    <Tab.Navigator
      screenOptions={({ route }) => ({
        tabBarAccessibilityLabel: route.name,
        tabBarIcon: ({ color, size }) => (
          <Text
            accessibilityElementsHidden
            importantForAccessibility="no-hide-descendants"
            style={{ color, fontSize: size }}
          >
            {TAB_SYMBOLS[route.name]}
          </Text>
        ),
      })}
    >
      <Tab.Screen name="Home" component={HomeScreen} options={{ title: 'Home', headerTitle: 'LearnCraft' }} />
      <Tab.Screen name="Search" component={SearchScreen} options={{ title: 'Search' }} />
      <Tab.Screen name="Dashboard" component={DashboardScreen} options={{ title: 'Dashboard' }} />
      <Tab.Screen name="Account" component={AccountScreen} options={{ title: 'Account' }} />
    </Tab.Navigator>
  );
}

/** The NavigationContainer's ref: lets code outside any screen navigate (session expiry). */
export const navigationRef = createNavigationContainerRef<RootStackParamList>();

/**
 * Sends the learner to log in when their session ended (the refresh token was refused). The
 * session may end before the navigation container is ready (while the cache is restored): then it
 * waits for the container's `ready` event.
 */
function SessionExpiryRedirect() {
  const { state } = useSession();
  const expired = state.status === 'anonymous' && state.expired;
  useEffect(() => {
    if (!expired) return;
    if (navigationRef.isReady()) return void navigationRef.navigate('Login');
    return navigationRef.addListener('ready', () => navigationRef.navigate('Login'));
  }, [expired]);
  return null;
}

export function RootNavigator() {
  const { colors } = useTheme();
  return (
    <>
      <SessionExpiryRedirect />
      <Stack.Navigator
        screenOptions={{
          headerStyle: { backgroundColor: colors.surface },
          headerTintColor: colors.text,
          contentStyle: { backgroundColor: colors.background },
        }}
      >
        <Stack.Screen name="Tabs" component={Tabs} options={{ headerShown: false, title: 'LearnCraft' }} />
        <Stack.Screen name="Login" component={LoginScreen} options={{ title: 'Log in' }} />
        <Stack.Screen name="Signup" component={SignupScreen} options={{ title: 'Sign up' }} />
        <Stack.Screen name="Course" component={CourseScreen} options={{ title: 'Course' }} />
        <Stack.Screen name="Lesson" component={LessonScreen} options={{ title: 'Lesson' }} />
        <Stack.Screen name="Lab" component={LabScreen} options={{ title: 'Lab' }} />
        <Stack.Screen name="Tutor" component={TutorScreen} options={{ title: 'Tutor' }} />
        <Stack.Screen name="Checkout" component={CheckoutScreen} options={{ title: 'Checkout' }} />
        <Stack.Screen name="Orders" component={OrdersScreen} options={{ title: 'Orders' }} />
        <Stack.Screen name="Order" component={OrderScreen} options={{ title: 'Order' }} />
        <Stack.Screen name="Downloads" component={DownloadsScreen} options={{ title: 'Downloads' }} />
      </Stack.Navigator>
    </>
  );
}
