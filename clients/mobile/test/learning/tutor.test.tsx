/**
 * The tutor: a question asked through tutorAsk, the reply written in as `tutorReply` deltas
 * arrive (in order), then replaced by the final message with its citations, which link to lessons.
 */
import { act, fireEvent, render, screen } from '@testing-library/react-native';
import { TutorAskMutation, TutorConversationsQuery } from '@learncraft/operations';
import { TutorConversation, useTutorThread } from '../../src/components/learning/TutorConversation';
import { testApollo } from './apollo';
import { LESSON_ID } from './fixtures';

const COURSE_ID = 'Q291cnNlOjE=';

/** The conversation with its own thread, as the tutor screen holds it. */
function Tutor(props: Omit<Parameters<typeof TutorConversation>[0], 'tutor'>) {
  const tutor = useTutorThread();
  return <TutorConversation tutor={tutor} {...props} />;
}
const QUESTION = 'What runs containers?';

const noConversations = {
  request: { query: TutorConversationsQuery, variables: { courseId: COURSE_ID, first: 10 } },
  result: {
    data: {
      me: {
        __typename: 'User',
        id: 'VXNlcjox',
        tutorConversations: {
          __typename: 'TutorConversationConnection',
          totalCount: 0,
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
          edges: [],
        },
      },
    },
  },
};

function message(overrides: Record<string, unknown>) {
  return {
    __typename: 'TutorMessage',
    id: 'TWVzc2FnZToy',
    role: 'TUTOR',
    kind: 'ANSWER',
    content: '',
    status: 'PENDING',
    error: null,
    citations: [],
    offline: false,
    hintLevel: null,
    rating: null,
    createdAt: '2030-01-01T12:00:00.000Z',
    completedAt: null,
    conversation: { __typename: 'TutorConversation', id: 'Q29udjox' },
    ...overrides,
  };
}

const ask = {
  request: {
    query: TutorAskMutation,
    variables: { input: { courseId: COURSE_ID, question: QUESTION, lessonId: LESSON_ID } },
  },
  result: {
    data: {
      tutorAsk: {
        __typename: 'TutorAskPayload',
        conversation: { __typename: 'TutorConversation', id: 'Q29udjox', title: QUESTION },
        question: message({ id: 'TWVzc2FnZTox', role: 'LEARNER', content: QUESTION, status: 'COMPLETE' }),
        message: message({}),
        userErrors: [],
      },
    },
  },
};

const citation = {
  __typename: 'TutorCitation',
  lesson: { __typename: 'Lesson', id: 'TGVzc29uOjc=', title: 'What is a Pod' },
  source: 'TRANSCRIPT',
  heading: null,
  snippet: 'A Pod runs one or more containers.',
  startSeconds: 83,
};

const event = (delta: string, done = false, final: Record<string, unknown> | null = null) => ({
  result: { data: { tutorReply: { __typename: 'TutorReplyEvent', delta, done, message: final } } },
});

test('the reply streams in delta by delta, in order, then shows the final message with its citations', async () => {
  const { subscriptions, wrapper } = testApollo([noConversations, ask, noConversations]);
  const opened: string[] = [];
  await render(
    <Tutor
      courseId={COURSE_ID}
      lessonId={LESSON_ID}
      onOpenCitation={(cited) => opened.push(cited.lesson.id)}
    />,
    { wrapper },
  );
  await fireEvent.changeText(screen.getByLabelText('Your question'), QUESTION);
  await fireEvent.press(screen.getByRole('button', { name: 'Ask' }));
  expect(await screen.findByText('The tutor is thinking…')).toBeOnTheScreen();
  expect(screen.getByText(QUESTION)).toBeOnTheScreen();

  await act(() => subscriptions.simulateResult(event('Pods ')));
  expect(await screen.findByText('Pods')).toBeOnTheScreen();
  await act(() => subscriptions.simulateResult(event('run ')));
  expect(await screen.findByText('Pods run')).toBeOnTheScreen();
  await act(() => subscriptions.simulateResult(event('containers.')));
  expect(await screen.findByText('Pods run containers.')).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Ask' })).toBeDisabled();
  expect(screen.queryByText('Sources')).not.toBeOnTheScreen();

  const final = message({
    content: 'A **Pod** runs containers.',
    status: 'COMPLETE',
    citations: [citation],
    completedAt: '2030-01-01T12:00:05.000Z',
  });
  await act(() => subscriptions.simulateResult(event('', true, final)));
  // The final message's own text replaces what the deltas wrote.
  expect(await screen.findByText('A Pod runs containers.')).toBeOnTheScreen();
  expect(screen.queryByText('Pods run containers.')).not.toBeOnTheScreen();
  expect(screen.getByText('Sources')).toBeOnTheScreen();
  expect(screen.getByText('video transcript at 1:23')).toBeOnTheScreen();
  expect(screen.getByText('A Pod runs one or more containers.')).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Helpful' })).toBeOnTheScreen();

  await fireEvent.press(screen.getByRole('link', { name: 'What is a Pod' }));
  expect(opened).toEqual(['TGVzc29uOjc=']);
});

test('a question the server refuses for want of enrolment says to enrol, next to the question', async () => {
  const refused = {
    ...ask,
    result: {
      data: {
        tutorAsk: {
          __typename: 'TutorAskPayload',
          conversation: null,
          question: null,
          message: null,
          userErrors: [
            { __typename: 'UserError', code: 'NOT_ENROLLED', message: 'Not enrolled.', field: null },
          ],
        },
      },
    },
  };
  const { wrapper } = testApollo([noConversations, refused, noConversations]);
  await render(<Tutor courseId={COURSE_ID} lessonId={LESSON_ID} onOpenCitation={null} />, {
    wrapper,
  });
  await fireEvent.changeText(screen.getByLabelText('Your question'), QUESTION);
  await fireEvent.press(screen.getByRole('button', { name: 'Ask' }));
  expect(await screen.findByText('Enrol to ask the tutor.')).toBeOnTheScreen();
});
