/**
 * @jest-environment jsdom
 *
 * The tutor panel against a mocked graph: a question goes out with the course, lesson and (once
 * there is one) conversation; the reply shows each delta as it arrives and then the final message
 * with its offline badge and citations (a transcript one linking to its second); a reply can be
 * rated; NOT_ENROLLED and RATE_LIMITED read as sentences. Subscription events are pushed by hand
 * through Apollo's MockSubscriptionLink.
 */
import { ApolloClient, ApolloLink, ApolloProvider } from '@apollo/client';
import { MockLink, MockSubscriptionLink, type MockedResponse } from '@apollo/client/testing';
import { getMainDefinition } from '@apollo/client/utilities';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { GraphQLError, Kind, OperationTypeNode } from 'graphql';
import { MemoryRouter } from 'react-router';
import { createCache } from '../../src/cache';
import { TutorProvider } from '../../src/components/tutor/TutorContext';
import { TutorPanel } from '../../src/components/tutor/TutorPanel';
import {
  TutorAskMutation,
  TutorConversationQuery,
  TutorConversationsQuery,
  TutorMessageRateMutation,
} from '@learncraft/operations';

const COURSE_ID = 'course-k8s';
const LESSON_ID = 'lesson-intro';
const CONVERSATION_ID = 'conversation-1';

const conversation = { __typename: 'TutorConversation', id: CONVERSATION_ID };

function message(overrides: Record<string, unknown>) {
  return {
    __typename: 'TutorMessage',
    id: 'reply-1',
    role: 'TUTOR',
    kind: 'ANSWER',
    content: '',
    status: 'PENDING',
    error: null,
    citations: [],
    offline: true,
    hintLevel: null,
    rating: null,
    createdAt: '2030-01-01T12:00:00.000Z',
    completedAt: null,
    conversation,
    ...overrides,
  };
}

const question = message({
  id: 'question-1',
  role: 'LEARNER',
  content: 'What is a pod?',
  status: 'COMPLETE',
});

const finalReply = message({
  content: 'A **Pod** is the smallest deployable unit. [1]',
  status: 'COMPLETE',
  completedAt: '2030-01-01T12:00:03.000Z',
  citations: [
    {
      __typename: 'TutorCitation',
      lesson: { __typename: 'Lesson', id: 'lesson-pods', title: 'Pods and Containers' },
      source: 'TRANSCRIPT',
      heading: null,
      snippet: 'A Pod wraps one or more containers.',
      startSeconds: 83,
    },
    {
      __typename: 'TutorCitation',
      lesson: { __typename: 'Lesson', id: 'lesson-arch', title: 'Cluster Architecture' },
      source: 'READING',
      heading: 'Nodes',
      snippet: 'Pods run on nodes.',
      startSeconds: null,
    },
  ],
});

const noConversations: MockedResponse = {
  request: { query: TutorConversationsQuery, variables: { courseId: COURSE_ID, first: 10 } },
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: {
    data: {
      me: {
        __typename: 'User',
        id: 'learner',
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

function askMock(
  input: Record<string, unknown>,
  result: MockedResponse['result'],
  asked: Record<string, unknown>[] = [],
): MockedResponse {
  return {
    request: { query: TutorAskMutation },
    variableMatcher: (variables) => {
      asked.push(variables.input as Record<string, unknown>);
      return JSON.stringify(variables.input) === JSON.stringify(input);
    },
    result,
  };
}

const askPayload = (overrides: Record<string, unknown> = {}) => ({
  data: {
    tutorAsk: {
      __typename: 'TutorAskPayload',
      conversation: { ...conversation, title: 'What is a pod?' },
      question,
      message: message({}),
      userErrors: [],
      ...overrides,
    },
  },
});

function renderPanel(mocks: MockedResponse[]) {
  const stream = new MockSubscriptionLink();
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return (
        definition.kind === Kind.OPERATION_DEFINITION &&
        definition.operation === OperationTypeNode.SUBSCRIPTION
      );
    },
    stream,
    new MockLink(mocks),
  );
  const client = new ApolloClient({ link, cache: createCache() });
  render(
    <ApolloProvider client={client}>
      <MemoryRouter>
        <TutorProvider>
          <TutorPanel courseId={COURSE_ID} courseSlug="kubernetes-basics" lessonId={LESSON_ID} />
        </TutorProvider>
      </MemoryRouter>
    </ApolloProvider>,
  );
  return stream;
}

const event = (delta: string, done = false, final: unknown = null) => ({
  result: { data: { tutorReply: { __typename: 'TutorReplyEvent', delta, done, message: final } } },
});

function ask(text: string) {
  const box = screen.getByLabelText('Your question');
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter' });
}

const conversationNode = (id: string, title: string) => ({
  __typename: 'TutorConversation',
  id,
  title,
  updatedAt: '2030-01-01T12:00:00.000Z',
  lesson: { __typename: 'Lesson', id: LESSON_ID, title: 'What Is Kubernetes?' },
});

function historyMock(
  after: string | null,
  nodes: ReturnType<typeof conversationNode>[],
  next: string | null,
) {
  return {
    request: {
      query: TutorConversationsQuery,
      variables: { courseId: COURSE_ID, first: 10, ...(after ? { after } : {}) },
    },
    result: {
      data: {
        me: {
          __typename: 'User',
          id: 'learner',
          tutorConversations: {
            __typename: 'TutorConversationConnection',
            totalCount: 11,
            pageInfo: { __typename: 'PageInfo', hasNextPage: !!next, endCursor: next },
            edges: nodes.map((node) => ({
              __typename: 'TutorConversationEdge',
              cursor: `c-${node.id}`,
              node,
            })),
          },
        },
      },
    },
  };
}

describe('TutorPanel history', () => {
  it('lists the conversations about the course, pages on, and opens one to continue it', async () => {
    const asked: Record<string, unknown>[] = [];
    renderPanel([
      historyMock(null, [conversationNode(CONVERSATION_ID, 'What is a pod?')], 'cursor-10'),
      historyMock('cursor-10', [conversationNode('conversation-0', 'What is a node?')], null),
      {
        request: { query: TutorConversationQuery, variables: { id: CONVERSATION_ID } },
        result: {
          data: {
            tutorConversation: {
              __typename: 'TutorConversation',
              id: CONVERSATION_ID,
              title: 'What is a pod?',
              messages: {
                __typename: 'TutorMessageConnection',
                totalCount: 2,
                edges: [question, finalReply].map((node) => ({
                  __typename: 'TutorMessageEdge',
                  cursor: `c-${node.id}`,
                  node,
                })),
              },
            },
          },
        },
      },
      askMock(
        {
          courseId: COURSE_ID,
          question: 'And a node?',
          lessonId: LESSON_ID,
          conversationId: CONVERSATION_ID,
        },
        askPayload({
          question: { ...question, id: 'question-2', content: 'And a node?' },
          message: message({ id: 'reply-2' }),
        }),
        asked,
      ),
    ]);
    expect((await screen.findByText(/^Your conversations about this course/)).textContent).toBe(
      'Your conversations about this course (11)',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Show older conversations' }));
    await screen.findByRole('button', { name: 'What is a node?' });
    expect(screen.queryByRole('button', { name: 'Show older conversations' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'What is a pod?' }));
    await screen.findByRole('link', { name: 'Pods and Containers' });
    expect(screen.getByRole('button', { name: 'What is a pod?' }).getAttribute('aria-current')).toBe('true');
    ask('And a node?');
    await screen.findByText('And a node?');
    expect(asked.at(-1)).toMatchObject({ conversationId: CONVERSATION_ID });
  });
});

describe('TutorPanel', () => {
  it('counts the characters of the question and asks nothing while it is blank', () => {
    renderPanel([noConversations]);
    const box = screen.getByLabelText('Your question');
    expect(box.getAttribute('maxlength')).toBe('2000');
    fireEvent.change(box, { target: { value: '   ' } });
    expect(screen.getByText(/^3 \/ 2000 characters/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Ask' }).disabled).toBe(true);
  });

  it('streams the reply delta by delta, then shows the final answer with its badge and citations', async () => {
    const asked: Record<string, unknown>[] = [];
    const stream = renderPanel([
      noConversations,
      askMock({ courseId: COURSE_ID, question: 'What is a pod?', lessonId: LESSON_ID }, askPayload(), asked),
    ]);
    ask('  What is a pod?  ');
    await screen.findByText('What is a pod?');
    await waitFor(() => expect(screen.getByLabelText<HTMLTextAreaElement>('Your question').value).toBe(''));
    await screen.findByText('The tutor is thinking…');
    await waitFor(() => expect(stream.operation?.variables).toEqual({ messageId: 'reply-1' }));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'The tutor is writing…' }).disabled).toBe(
      true,
    );

    const answer = () => document.querySelector('.tutor-message.from-tutor .tutor-answer')!;
    act(() => stream.simulateResult(event('A ')));
    await waitFor(() => expect(answer().textContent).toBe('A '));
    expect(answer().getAttribute('aria-live')).toBe('polite');
    expect(answer().getAttribute('aria-busy')).toBe('true');
    act(() => stream.simulateResult(event('Pod is')));
    await waitFor(() => expect(answer().textContent).toBe('A Pod is'));

    act(() => stream.simulateResult(event('', true, finalReply), true));
    await waitFor(() =>
      expect(answer().textContent?.trim()).toBe('A Pod is the smallest deployable unit. [1]'),
    );
    expect(answer().querySelector('strong')?.textContent).toBe('Pod');
    expect(answer().getAttribute('aria-busy')).toBe('false');
    expect(screen.getByText('Offline tutor')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Pods and Containers' }).getAttribute('href')).toBe(
      '/courses/kubernetes-basics/lessons/lesson-pods?t=83',
    );
    expect(screen.getByRole('link', { name: 'Cluster Architecture' }).getAttribute('href')).toBe(
      '/courses/kubernetes-basics/lessons/lesson-arch',
    );
    expect(document.querySelector('.citations li')!.textContent).toBe(
      'Pods and Containers · video transcript at 1:23A Pod wraps one or more containers.',
    );
    expect(asked.at(-1)).toEqual({ courseId: COURSE_ID, question: 'What is a pod?', lessonId: LESSON_ID });
    expect(screen.getByRole('button', { name: 'New conversation' })).toBeTruthy();
  });

  it('continues the conversation with the next question', async () => {
    const asked: Record<string, unknown>[] = [];
    const stream = renderPanel([
      noConversations,
      askMock({ courseId: COURSE_ID, question: 'What is a pod?', lessonId: LESSON_ID }, askPayload(), asked),
      askMock(
        {
          courseId: COURSE_ID,
          question: 'And a node?',
          lessonId: LESSON_ID,
          conversationId: CONVERSATION_ID,
        },
        askPayload({
          question: { ...question, id: 'question-2', content: 'And a node?' },
          message: message({ id: 'reply-2' }),
        }),
        asked,
      ),
    ]);
    ask('What is a pod?');
    await waitFor(() => expect(stream.operation?.variables).toEqual({ messageId: 'reply-1' }));
    act(() => stream.simulateResult(event('', true, finalReply), true));
    await screen.findByRole('link', { name: 'Pods and Containers' });
    ask('And a node?');
    await screen.findByText('And a node?');
    expect(asked.at(-1)).toEqual({
      courseId: COURSE_ID,
      question: 'And a node?',
      lessonId: LESSON_ID,
      conversationId: CONVERSATION_ID,
    });
  });

  it('shows the error of a reply that failed', async () => {
    const stream = renderPanel([
      noConversations,
      askMock({ courseId: COURSE_ID, question: 'What is a pod?', lessonId: LESSON_ID }, askPayload()),
    ]);
    ask('What is a pod?');
    await waitFor(() => expect(stream.operation?.variables).toEqual({ messageId: 'reply-1' }));
    const failed = message({
      content: 'A Pod',
      status: 'FAILED',
      error: {
        __typename: 'TutorMessageError',
        code: 'PROVIDER_TIMEOUT',
        message: 'The tutor took too long.',
      },
    });
    act(() => stream.simulateResult(event('', true, failed), true));
    expect((await screen.findByRole('alert')).textContent).toBe('The tutor took too long.');
    expect(screen.queryByRole('button', { name: /helpful/i })).toBeNull();
  });

  it('rates a finished reply and offers a comment', async () => {
    const rated: Record<string, unknown>[] = [];
    const stream = renderPanel([
      noConversations,
      askMock({ courseId: COURSE_ID, question: 'What is a pod?', lessonId: LESSON_ID }, askPayload()),
      {
        request: { query: TutorMessageRateMutation },
        variableMatcher: (variables) => {
          rated.push(variables.input as Record<string, unknown>);
          return true;
        },
        result: {
          data: {
            tutorMessageRate: {
              __typename: 'TutorMessageRatePayload',
              message: {
                __typename: 'TutorMessage',
                id: 'reply-1',
                rating: {
                  __typename: 'TutorMessageRating',
                  helpful: true,
                  comment: null,
                  ratedAt: '2030-01-01T12:01:00.000Z',
                },
              },
              userErrors: [],
            },
          },
        },
      },
    ]);
    ask('What is a pod?');
    await waitFor(() => expect(stream.operation?.variables).toEqual({ messageId: 'reply-1' }));
    act(() => stream.simulateResult(event('', true, finalReply), true));
    fireEvent.click(await screen.findByRole('button', { name: 'Helpful' }));
    await screen.findByText('Thanks for your feedback.');
    expect(rated).toEqual([{ messageId: 'reply-1', helpful: true, comment: null }]);
    expect(screen.getByRole('button', { name: 'Helpful' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByLabelText('Comment (optional)')).toBeTruthy();
  });

  it('tells a learner who is not enrolled to enrol', async () => {
    renderPanel([
      noConversations,
      askMock(
        { courseId: COURSE_ID, question: 'What is a pod?', lessonId: LESSON_ID },
        askPayload({
          conversation: null,
          question: null,
          message: null,
          userErrors: [
            {
              __typename: 'UserError',
              code: 'NOT_ENROLLED',
              message: 'Enroll first.',
              field: ['input', 'courseId'],
            },
          ],
        }),
      ),
    ]);
    ask('What is a pod?');
    expect((await screen.findByRole('alert')).textContent).toBe('Enrol to ask the tutor.');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Your question').value).toBe('What is a pod?');
  });

  it('says when to ask again after a rate limit', async () => {
    renderPanel([
      noConversations,
      askMock(
        { courseId: COURSE_ID, question: 'What is a pod?', lessonId: LESSON_ID },
        {
          errors: [
            new GraphQLError('Too many questions.', {
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 45, reason: 'REQUEST_RATE' },
            }),
          ],
        },
      ),
    ]);
    ask('What is a pod?');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The tutor has had a lot of requests — try again in 45 s.',
    );
  });

  it('says so when the day’s token budget is spent', async () => {
    renderPanel([
      noConversations,
      askMock(
        { courseId: COURSE_ID, question: 'What is a pod?', lessonId: LESSON_ID },
        {
          errors: [
            new GraphQLError('Budget spent.', {
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 7200, reason: 'DAILY_TOKEN_BUDGET' },
            }),
          ],
        },
      ),
    ]);
    ask('What is a pod?');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'You have used today’s tutor allowance — try again in 2 h.',
    );
  });
});
