/**
 * Every screen of the app and the parameters it opens with. Screens are registered in
 * RootNavigator; deep links (`learncraft://…` and the web export's paths) map onto these names.
 */
import type { NavigatorScreenParams } from '@react-navigation/native';
import type { NativeStackScreenProps } from '@react-navigation/native-stack';

export type TabParamList = {
  Home: undefined;
  Search: { query?: string } | undefined;
  Dashboard: undefined;
  Account: undefined;
};

export type RootStackParamList = {
  Tabs: NavigatorScreenParams<TabParamList> | undefined;
  Login: undefined;
  Signup: undefined;
  Course: { slug: string };
  /** `startSeconds`: where a video opens (a tutor's transcript citation), else the saved position. */
  Lesson: { lessonId: string; courseSlug: string; startSeconds?: number };
  Lab: { lessonId: string; courseSlug: string };
  /** `labSessionId`: questions asked from a running lab go with its session. */
  Tutor: { courseId: string; courseSlug?: string; lessonId?: string; labSessionId?: string };
  Checkout: { courseId?: string; planId?: string };
  Orders: undefined;
  Order: { orderId: string };
  Downloads: undefined;
};

export type RootScreenProps<Name extends keyof RootStackParamList> = NativeStackScreenProps<
  RootStackParamList,
  Name
>;
