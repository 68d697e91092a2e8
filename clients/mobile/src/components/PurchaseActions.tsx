/**
 * What a viewer without access to a paid course can do (web's PurchaseActions): sign in first, or
 * buy it, or subscribe to a plan (the plans page is the web app's).
 */
import { View } from 'react-native';
import { useQuery } from '@apollo/client';
import { useNavigation } from '@react-navigation/native';
import type { NativeStackNavigationProp } from '@react-navigation/native-stack';
import * as WebBrowser from 'expo-web-browser';
import type { AccessReason, BillingInterval } from '@learncraft/operations/types';
import { PlansQuery } from '@learncraft/operations';
import type { RootStackParamList } from '../navigation/types';
import { webPageUrl } from '../navigation/webPages';
import { useTheme } from '../theme';
import { Button } from '../ui';

export const INTERVAL_WORDS: Record<BillingInterval, string> = { MONTH: 'month', YEAR: 'year' };

export function PurchaseActions(props: {
  courseId: string;
  price: { formatted: string } | null | undefined;
  reason: AccessReason;
}) {
  const { spacing } = useTheme();
  const navigation = useNavigation<NativeStackNavigationProp<RootStackParamList>>();
  // Plans are sorted cheapest first (team plans, sold per seat, aside); they only make the subscribe button's wording more precise.
  const plans = useQuery(PlansQuery, { errorPolicy: 'all', skip: props.reason === 'SIGN_IN_REQUIRED' });
  const cheapest = plans.data?.plans.find((plan) => !plan.perSeat);
  if (props.reason === 'SIGN_IN_REQUIRED')
    return <Button label="Sign in to buy" onPress={() => navigation.navigate('Login')} />;
  return (
    <View style={{ gap: spacing.sm }}>
      <Button
        label={props.price ? `Buy for ${props.price.formatted}` : 'Buy'}
        onPress={() => navigation.navigate('Checkout', { courseId: props.courseId })}
      />
      <Button
        variant="secondary"
        label={
          cheapest
            ? `Or subscribe: all courses from ${cheapest.price.formatted}/${INTERVAL_WORDS[cheapest.interval]}`
            : 'Or subscribe: all courses with a plan'
        }
        accessibilityHint="Opens the plans on the LearnCraft website"
        onPress={() => void WebBrowser.openBrowserAsync(webPageUrl('/pricing'))}
      />
    </View>
  );
}
