/**
 * The lab screen's session is live: a `labSessionUpdated` event changes the status shown, and a
 * session turning READY opens the terminal on a fresh terminal URL. A step's check result comes in
 * the same way, and the terminal speaks the shared protocol through the app's scrollback adapter.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { LabHintRequestMutation, LabSessionQuery, TutorConversationsQuery } from '@learncraft/operations';
import type { TerminalSocket } from '@learncraft/operations/terminal';
import { LabTerminal } from '../../src/components/learning/LabTerminal';
import { LabView } from '../../src/screens/LabScreen';
import { testApollo } from './apollo';
import { LAB_SESSION_ID, labContent, labSession, lesson, type LabSession } from './fixtures';

const TERMINAL_URL = 'wss://labs.example/terminal?token=single-use';

/** The session as the server sends it (with the typenames the cache normalises by). */
function wire(session: LabSession) {
  return {
    __typename: 'LabSession',
    ...session,
    steps: session.steps.map((step) => ({ __typename: 'LabStepState', ...step })),
  };
}

function update(kind: string, session: LabSession) {
  return {
    result: {
      data: {
        labSessionUpdated: {
          __typename: 'LabSessionEvent',
          kind,
          secondsLeft: null,
          session: wire(session),
          step: null,
        },
      },
    },
  };
}

const terminalQuery = {
  request: { query: LabSessionQuery, variables: { id: LAB_SESSION_ID } },
  result: { data: { labSession: { ...wire(labSession()), terminalUrl: TERMINAL_URL } } },
};

const COURSE_ID = 'Q291cnNlOjE=';

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

function fakeSocketFactory() {
  const opened: string[] = [];
  const createSocket = (url: string): TerminalSocket => {
    opened.push(url);
    return {
      binaryType: 'blob',
      readyState: 0,
      send: () => undefined,
      close: () => undefined,
      onopen: null,
      onmessage: null,
      onclose: null,
    };
  };
  return { opened, createSocket };
}

test('a labSessionUpdated event moves the status from preparing to ready and opens the terminal', async () => {
  const { subscriptions, wrapper } = testApollo([terminalQuery, noConversations]);
  const sockets = fakeSocketFactory();
  const provisioning = labSession({ status: 'PROVISIONING', progressPercent: 40 });
  await render(
    <LabView
      courseId={COURSE_ID}
      onOpenCitation={null}
      lesson={lesson(labContent, null, provisioning)}
      content={labContent}
      enrolled
      labsUnavailable={false}
      onCompleted={() => undefined}
      createSocket={sockets.createSocket}
    />,
    { wrapper },
  );
  expect(screen.getByText('Status: Preparing your sandbox')).toBeOnTheScreen();
  expect(screen.getByText('40% prepared')).toBeOnTheScreen();
  expect(screen.queryByLabelText('Terminal output')).not.toBeOnTheScreen();

  await act(() => subscriptions.simulateResult(update('STATUS', labSession({ status: 'READY' }))));
  expect(await screen.findByText('Status: Ready')).toBeOnTheScreen();
  expect(screen.queryByText('40% prepared')).not.toBeOnTheScreen();
  expect(screen.getByLabelText('Terminal output')).toBeOnTheScreen();
  await screen.findByText('Connecting to your sandbox…');
  await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
  expect(sockets.opened).toEqual([TERMINAL_URL]);
});

test('a check event shows the step’s result and its output', async () => {
  const { subscriptions, wrapper } = testApollo([terminalQuery, noConversations]);
  const sockets = fakeSocketFactory();
  await render(
    <LabView
      courseId={COURSE_ID}
      onOpenCitation={null}
      lesson={lesson(labContent, null, labSession())}
      content={labContent}
      enrolled
      labsUnavailable={false}
      onCompleted={() => undefined}
      createSocket={sockets.createSocket}
    />,
    { wrapper },
  );
  const failed = labSession();
  failed.steps = [
    { ...failed.steps[0]!, status: 'FAILED', lastOutput: 'ls: ~/work: No such file or directory' },
  ];
  await act(() => subscriptions.simulateResult(update('CHECK', failed)));
  expect(await screen.findByText('Step 1 failed: see the output, fix it and check again.')).toBeOnTheScreen();
  expect(screen.getByText('ls: ~/work: No such file or directory')).toBeOnTheScreen();
});

test('a step’s Hint asks the tutor for the running session and shows the hint in the lab’s conversation', async () => {
  const hint = {
    request: {
      query: LabHintRequestMutation,
      variables: { input: { sessionId: LAB_SESSION_ID, stepId: 'make-dir' } },
    },
    result: {
      data: {
        labHintRequest: {
          __typename: 'LabHintRequestPayload',
          level: 1,
          userErrors: [],
          message: {
            __typename: 'TutorMessage',
            id: 'SGludDox',
            role: 'TUTOR',
            kind: 'HINT',
            content: '',
            status: 'PENDING',
            error: null,
            citations: [],
            offline: true,
            hintLevel: null,
            rating: null,
            createdAt: '2030-01-01T12:00:00.000Z',
            completedAt: null,
            conversation: { __typename: 'TutorConversation', id: 'Q29udjoy' },
          },
        },
      },
    },
  };
  const { wrapper } = testApollo([terminalQuery, noConversations, hint]);
  await render(
    <LabView
      courseId={COURSE_ID}
      onOpenCitation={null}
      lesson={lesson(labContent, null, labSession())}
      content={labContent}
      enrolled
      labsUnavailable={false}
      onCompleted={() => undefined}
      createSocket={fakeSocketFactory().createSocket}
    />,
    { wrapper },
  );
  await fireEvent.press(screen.getByRole('button', { name: 'Hint for step 1' }));
  expect(await screen.findByText('Hint · Hint 1 of 3 · Offline tutor')).toBeOnTheScreen();
  expect(screen.getByText('The tutor is thinking…')).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Hint for step 1' })).toBeDisabled();
});

test('the terminal shows what the sandbox writes and sends the keys pressed, over the shared protocol', async () => {
  const { wrapper } = testApollo([terminalQuery]);
  const sent: (string | Uint8Array)[] = [];
  const socket: TerminalSocket = {
    binaryType: 'blob',
    readyState: 0,
    send: (data) => sent.push(data),
    close: () => undefined,
    onopen: null,
    onmessage: null,
    onclose: null,
  };
  await render(<LabTerminal sessionId={LAB_SESSION_ID} createSocket={() => socket} />, { wrapper });
  await screen.findByText('Connecting to your sandbox…');
  await waitFor(() => expect(socket.onopen).not.toBeNull());
  await act(() => {
    Object.assign(socket, { readyState: 1 });
    socket.onopen?.({});
  });
  expect(screen.getByText('Connected to your sandbox.')).toBeOnTheScreen();
  // The first frame tells the server the terminal's size (a binary control message).
  expect(sent).toHaveLength(1);
  expect(sent[0]).toBeInstanceOf(Uint8Array);

  await act(() => socket.onmessage?.({ data: '\x1b[32muser@lab\x1b[0m:~$ ' }));
  expect(screen.getByRole('log')).toHaveTextContent('user@lab:~$');
  await fireEvent.press(screen.getByRole('button', { name: 'Control C, interrupt' }));
  expect(sent.slice(1)).toEqual(['\x03']);
});
