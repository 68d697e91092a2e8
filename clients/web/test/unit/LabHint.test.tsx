/**
 * @jest-environment jsdom
 *
 * A lab step's Hint: offered on steps not yet passed while the session is READY, it asks
 * labHintRequest for that step and the hint streams into the tutor panel with its level.
 */
import { ApolloClient, ApolloLink, ApolloProvider } from '@apollo/client';
import { MockLink, MockSubscriptionLink, type MockedResponse } from '@apollo/client/testing';
import { getMainDefinition } from '@apollo/client/utilities';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Kind, OperationTypeNode } from 'graphql';
import { MemoryRouter } from 'react-router';
import { createCache } from '../../src/cache';
import { TutorProvider } from '../../src/components/tutor/TutorContext';
import { TutorPanel } from '../../src/components/tutor/TutorPanel';
import { LabHintRequestMutation } from '@learncraft/operations';
import { LabSteps } from '../../src/pages/lesson/lab/LabSteps';
import { LAB_SESSION_ID, labContent, labSession, labStep } from './fixtures';

const hint = (overrides: Record<string, unknown> = {}) => ({
  __typename: 'TutorMessage',
  id: 'hint-1',
  role: 'TUTOR',
  kind: 'HINT',
  content: '',
  status: 'PENDING',
  error: null,
  citations: [],
  offline: true,
  hintLevel: 2,
  rating: null,
  createdAt: '2030-01-01T12:00:00.000Z',
  completedAt: null,
  conversation: { __typename: 'TutorConversation', id: 'lab-conversation' },
  ...overrides,
});

function renderLab(mocks: MockedResponse[], session = labSession()) {
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
  render(
    <ApolloProvider client={new ApolloClient({ link, cache: createCache() })}>
      <MemoryRouter>
        <TutorProvider>
          <LabSteps steps={labContent.steps} session={session} />
          <TutorPanel courseId="course-linux" courseSlug="the-linux-command-line" labSessionId={session.id} />
        </TutorProvider>
      </MemoryRouter>
    </ApolloProvider>,
  );
  return stream;
}

describe('lab step hints', () => {
  it('streams the hint for the step into the tutor panel, with its level', async () => {
    const stream = renderLab([
      {
        request: {
          query: LabHintRequestMutation,
          variables: { input: { sessionId: LAB_SESSION_ID, stepId: 'write-file' } },
        },
        result: {
          data: {
            labHintRequest: {
              __typename: 'LabHintRequestPayload',
              message: hint(),
              level: 2,
              userErrors: [],
            },
          },
        },
      },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Hint for step 2' }));
    await screen.findByText('Hint 2 of 3');
    await waitFor(() => expect(stream.operation?.variables).toEqual({ messageId: 'hint-1' }));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Hint for step 1' }).disabled).toBe(true);

    act(() =>
      stream.simulateResult({
        result: {
          data: {
            tutorReply: { __typename: 'TutorReplyEvent', delta: 'Try echo', done: false, message: null },
          },
        },
      }),
    );
    await screen.findByText('Try echo');
    const final = hint({ content: 'Try `echo hello > ~/work/hello.txt`.', status: 'COMPLETE' });
    act(() =>
      stream.simulateResult(
        {
          result: {
            data: { tutorReply: { __typename: 'TutorReplyEvent', delta: '', done: true, message: final } },
          },
        },
        true,
      ),
    );
    await waitFor(() =>
      expect(document.querySelector('.tutor-answer code')?.textContent).toBe('echo hello > ~/work/hello.txt'),
    );
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Hint for step 1' }).disabled).toBe(false);
  });

  it('offers no hint on a passed step, and none until the session is READY', () => {
    renderLab([], labSession({ steps: [labStep('make-dir', { status: 'PASSED' }), labStep('write-file')] }));
    expect(screen.queryByRole('button', { name: 'Hint for step 1' })).toBeNull();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Hint for step 2' }).disabled).toBe(false);
  });

  it('offers the hint disabled while the sandbox is not ready', () => {
    renderLab([], labSession({ status: 'PROVISIONING' }));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Hint for step 1' }).disabled).toBe(true);
  });
});
