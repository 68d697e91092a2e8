/**
 * The AI tutor as a screen of its own (a phone has no room for it beside the lesson): the
 * conversation about the course the learner came from, its cited lessons opening in the lesson
 * player. The course's address for those links comes from the navigation parameters when given,
 * else from the course already in the cache (the learner arrives from one of its lessons).
 */
import { useFragment } from '@apollo/client';
import { CourseCardFields } from '@learncraft/operations';
import type { RootScreenProps } from '../navigation/types';
import { TutorConversation, useTutorThread } from '../components/learning/TutorConversation';
import { Heading, Screen } from '../ui';

export default function TutorScreen({ navigation, route }: RootScreenProps<'Tutor'>) {
  const { courseId, lessonId } = route.params;
  const cached = useFragment({ fragment: CourseCardFields, from: { __typename: 'Course', id: courseId } });
  const courseSlug = route.params.courseSlug ?? cached.data.slug ?? null;
  const tutor = useTutorThread();
  return (
    <Screen>
      <Heading>Ask the tutor</Heading>
      <TutorConversation
        tutor={tutor}
        courseId={courseId}
        lessonId={lessonId}
        onOpenCitation={
          courseSlug
            ? (citation) => navigation.navigate('Lesson', { courseSlug, lessonId: citation.lesson.id })
            : null
        }
      />
    </Screen>
  );
}
