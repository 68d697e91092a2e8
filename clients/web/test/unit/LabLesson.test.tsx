/**
 * @jest-environment jsdom
 *
 * The lab lesson: starting a session (and the server's reasons when it cannot), the live status
 * and preparation progress from `labSessionUpdated`, step checks with their streamed results and
 * output, the countdown with its 5- and 1-minute warnings, Stop / Reset (both confirmed) / Extend,
 * and completion, which only the server decides. The app's own cache normalises what the
 * mutations and events return; the terminal is a stand-in here (see LabTerminal.test.tsx).
 */
import { ApolloLink, Observable, type FetchResult } from '@apollo/client';
import { MockedProvider, MockLink, type MockedResponse } from '@apollo/client/testing';
import { getMainDefinition } from '@apollo/client/utilities';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Kind, OperationTypeNode } from 'graphql';
import { createCache } from '../../src/cache';
import {
  LabExtendMutation,
  LabResetMutation,
  LabSessionStatusQuery,
  LabStartMutation,
  LabStepCheckMutation,
  LabStopMutation,
} from '@learncraft/operations';
import { LabLesson } from '../../src/pages/lesson/LabLesson';
import { endTime } from '@learncraft/operations/labWording';
import type { LessonData } from '../../src/pages/lesson/types';
import { LAB_SESSION_ID, LESSON_ID, labContent, labSession, labStep, lesson } from './fixtures';

jest.mock('../../src/pages/lesson/lab/LabTerminal', () => ({
  __esModule: true,
  default: ({ sessionId }: { sessionId: string }) =>
    jest.requireActual<typeof import('react')>('react').createElement('p', null, `Terminal of ${sessionId}`),
}));

type Session = NonNullable<LessonData['viewerLabSession']>;

/** Stands in for the graphql-ws link: records subscriptions and pushes events into them. */
class LabEvents {
  readonly subscriptions: { variables: Record<string, unknown>; closed: boolean }[] = [];
  private readonly observers = new Set<{ next(result: FetchResult): void; error(error: unknown): void }>();

  readonly link = new ApolloLink(
    (operation) =>
      new Observable<FetchResult>((observer) => {
        const record = { variables: operation.variables, closed: false };
        this.subscriptions.push(record);
        this.observers.add(observer);
        return () => {
          record.closed = true;
          this.observers.delete(observer);
        };
      }),
  );

  constructor(private readonly fakeTimers: boolean) {}

  /** Pushes an event and lets Apollo pass it on (the cache tells watchers in a later task). */
  async emit(
    kind: 'STATUS' | 'CHECK' | 'EXPIRY_WARNING',
    session: Session,
    extra: Record<string, unknown> = {},
  ) {
    const event = { __typename: 'LabSessionEvent', kind, session, step: null, secondsLeft: null, ...extra };
    await act(async () => {
      for (const observer of this.observers) observer.next({ data: { labSessionUpdated: event } });
      if (this.fakeTimers) await jest.advanceTimersByTimeAsync(0);
      else await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }

  /** Ends every subscription with an error, as the server does when it refuses one. */
  async fail(message: string) {
    await act(async () => {
      for (const observer of this.observers) observer.error(new Error(message));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }

  get open() {
    return this.subscriptions.filter((subscription) => !subscription.closed);
  }
}

const userError = (code: string, message: string) => ({
  __typename: 'UserError',
  code,
  message,
  field: null,
});

function mutationMock(
  query: MockedResponse['request']['query'],
  field: string,
  input: Record<string, unknown>,
  payload: Record<string, unknown>,
): MockedResponse & { result: jest.Mock } {
  const typename = `${field[0]!.toUpperCase()}${field.slice(1)}Payload`;
  return {
    request: { query, variables: { input } },
    result: jest.fn(() => ({
      data: { [field]: { __typename: typename, session: null, userErrors: [], ...payload } },
    })),
  };
}

const sessionInput = { sessionId: LAB_SESSION_ID };

function renderLab(
  mocks: MockedResponse[],
  {
    session = null,
    enrolled = true,
    fakeTimers = false,
    progress = null,
  }: {
    session?: Session | null;
    enrolled?: boolean;
    fakeTimers?: boolean;
    progress?: LessonData['viewerProgress'];
  } = {},
) {
  const events = new LabEvents(fakeTimers);
  const onCompleted = jest.fn();
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return (
        definition.kind === Kind.OPERATION_DEFINITION &&
        definition.operation === OperationTypeNode.SUBSCRIPTION
      );
    },
    events.link,
    new MockLink(mocks),
  );
  const user = userEvent.setup(fakeTimers ? { advanceTimers: (ms) => jest.advanceTimersByTime(ms) } : {});
  render(
    <MockedProvider link={link} cache={createCache()}>
      <LabLesson
        lesson={{ ...lesson(labContent, progress, session), kind: 'LAB' }}
        content={labContent}
        enrolled={enrolled}
        onCompleted={onCompleted}
      />
    </MockedProvider>,
  );
  return { user, events, onCompleted };
}

const statusLine = () => document.querySelector('.lab-status p')?.textContent;
const checkButton = (step: number) =>
  screen.getByRole<HTMLButtonElement>('button', { name: new RegExp(`step ${step}$`) });
const stepItem = (title: string) =>
  screen.getByRole('heading', { level: 3, name: new RegExp(title) }).closest('li')!;

describe('LabLesson', () => {
  it('starts the lab, shows the preparation progress from status events, then the terminal once READY', async () => {
    const start = mutationMock(
      LabStartMutation,
      'labStart',
      { lessonId: LESSON_ID },
      {
        session: labSession({
          status: 'REQUESTED',
          progressPercent: 0,
          startedAt: null,
          steps: [labStep('make-dir'), labStep('write-file')],
        }),
      },
    );
    const { user, events } = renderLab([start]);
    expect(screen.queryByRole('button', { name: /Mark as/ })).toBeNull();
    expect(screen.getByText("This lesson completes when every step's check passes.")).toBeTruthy();
    expect(checkButton(1).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Start the lab' }));
    await screen.findByText('Status: Requested');
    expect(start.result).toHaveBeenCalledTimes(1);
    expect(events.open.map((subscription) => subscription.variables)).toEqual([
      { sessionId: LAB_SESSION_ID },
    ]);

    await events.emit(
      'STATUS',
      labSession({
        status: 'PROVISIONING',
        progressPercent: 40,
        statusMessage: 'Running the setup script',
        startedAt: null,
      }),
    );
    expect(statusLine()).toBe('Status: Preparing your sandbox — Running the setup script');
    const bar = screen.getByRole('progressbar', { name: 'Sandbox preparation' });
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    expect(screen.queryByText(/^Terminal of/)).toBeNull();
    expect(checkButton(1).disabled).toBe(true);

    await events.emit('STATUS', labSession());
    expect(statusLine()).toBe('Status: Ready');
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(await screen.findByText(`Terminal of ${LAB_SESSION_ID}`)).toBeTruthy();
    expect(checkButton(1).disabled).toBe(false);
    expect(screen.queryByRole('button', { name: 'Start the lab' })).toBeNull();
  });

  it.each([
    [
      'NOT_ENROLLED',
      'You are not enrolled in this course.',
      'You are not enrolled in this course.Enroll in this course to start the lab.',
    ],
    ['SESSION_LIMIT', 'Another lab is running: stop it first.', 'Another lab is running: stop it first.'],
    [
      'RUNTIME_UNAVAILABLE',
      'Docker is not running on this server: start it and try again.',
      'Docker is not running on this server: start it and try again.',
    ],
  ])('shows why the lab did not start (%s)', async (code, message, shown) => {
    const start = mutationMock(
      LabStartMutation,
      'labStart',
      { lessonId: LESSON_ID },
      { userErrors: [userError(code, message)] },
    );
    const { user, events } = renderLab([start]);
    await user.click(screen.getByRole('button', { name: 'Start the lab' }));
    expect((await screen.findByRole('alert')).textContent).toBe(shown);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Start the lab' }).disabled).toBe(false);
    expect(events.subscriptions).toEqual([]);
  });

  it('says starting failed when the request itself fails', async () => {
    const { user } = renderLab([
      {
        request: { query: LabStartMutation, variables: { input: { lessonId: LESSON_ID } } },
        error: new Error('offline'),
      },
    ]);
    await user.click(screen.getByRole('button', { name: 'Start the lab' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The lab could not be started. Please try again.',
    );
  });

  it('does not let a learner who is not enrolled start the lab', () => {
    renderLab([], { enrolled: false });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Start the lab' }).disabled).toBe(true);
    expect(screen.getByText('Enroll in this course to start the lab.')).toBeTruthy();
  });

  it('checks a step and shows the result and output streamed back: failed, then passed', async () => {
    const checking = labSession({
      steps: [labStep('make-dir', { status: 'CHECKING' }), labStep('write-file')],
    });
    const check = mutationMock(
      LabStepCheckMutation,
      'labStepCheck',
      { sessionId: LAB_SESSION_ID, stepId: 'make-dir' },
      {
        session: checking,
        step: checking.steps[0],
      },
    );
    const { user, events } = renderLab([check], { session: labSession() });
    await user.click(checkButton(1));
    expect(check.result).toHaveBeenCalledTimes(1);
    await screen.findByText('Checking…', { selector: '.step-result' });
    expect(checkButton(1).disabled).toBe(true);

    const failed = labStep('make-dir', {
      status: 'FAILED',
      lastOutput: 'ls: cannot access ~/work: No such file or directory',
      checkedAt: '2030-01-01T12:05:00.000Z',
    });
    await events.emit('CHECK', labSession({ steps: [failed, labStep('write-file')] }), { step: failed });
    const item = stepItem('Make a directory');
    expect(within(item).getByRole('heading').textContent).toBe('✗ Make a directory (Failed)');
    expect(item.querySelector('.step-result')!.textContent).toBe(
      'Step 1 failed: see the output, fix it and check again.',
    );
    expect(item.querySelector('.step-result')!.getAttribute('aria-live')).toBe('polite');
    expect(item.querySelector('pre')!.textContent).toBe(
      'ls: cannot access ~/work: No such file or directory',
    );
    expect(checkButton(1).disabled).toBe(false);

    const passed = labStep('make-dir', {
      status: 'PASSED',
      lastOutput: '/home/learner/work',
      checkedAt: '2030-01-01T12:06:00.000Z',
    });
    await events.emit('CHECK', labSession({ steps: [passed, labStep('write-file')] }), { step: passed });
    expect(within(item).getByRole('heading').textContent).toBe('✓ Make a directory (Passed)');
    expect(item.querySelector('.step-result')!.textContent).toBe('Step 1 passed.');
    expect(item.querySelector('pre')!.textContent).toBe('/home/learner/work');
    const other = stepItem('Write a file');
    expect(within(other).getByRole('heading').textContent).toBe('○ Write a file (Not checked yet)');
    expect(other.querySelector('pre')).toBeNull();
  });

  it("shows the check's userError", async () => {
    const check = mutationMock(
      LabStepCheckMutation,
      'labStepCheck',
      { sessionId: LAB_SESSION_ID, stepId: 'write-file' },
      {
        step: null,
        userErrors: [userError('CHECK_RUNNING', 'A check is already running.')],
      },
    );
    const { user } = renderLab([check], { session: labSession() });
    await user.click(checkButton(2));
    expect((await within(stepItem('Write a file')).findByRole('alert')).textContent).toBe(
      'A check is already running.',
    );
  });

  it('asks before stopping: Cancel keeps the session, confirming stops it and offers a new one', async () => {
    const stop = mutationMock(LabStopMutation, 'labStop', sessionInput, {
      session: labSession({ status: 'STOPPED' }),
    });
    const { user, events } = renderLab([stop], { session: labSession() });
    await screen.findByText(`Terminal of ${LAB_SESSION_ID}`);

    await user.click(screen.getByRole('button', { name: 'Stop' }));
    const confirm = screen.getByRole('group', {
      name: 'Stop the lab? Its sandbox and everything in it are deleted.',
    });
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Cancel' }));
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group')).toBeNull();
    expect(stop.result).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Stop' }));

    await user.click(screen.getByRole('button', { name: 'Stop' }));
    await user.click(screen.getByRole('button', { name: 'Stop lab' }));
    await screen.findByText('Status: Stopped');
    expect(statusLine()).toBe('Status: Stopped — You stopped this session; its sandbox has been deleted.');
    expect(stop.result).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/^Terminal of/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Start a new session' })).toBeTruthy();
    // Apollo unsubscribes a skipped subscription in a later task.
    await waitFor(() => expect(events.open).toEqual([]));
    expect(checkButton(1).disabled).toBe(true);
  });

  it('asks before resetting, then shows the fresh sandbox being prepared with the step results cleared', async () => {
    const reset = mutationMock(LabResetMutation, 'labReset', sessionInput, {
      session: labSession({
        status: 'PROVISIONING',
        progressPercent: 0,
        statusMessage: 'Creating the sandbox',
      }),
    });
    const { user } = renderLab([reset], {
      session: labSession({
        steps: [labStep('make-dir', { status: 'PASSED', lastOutput: 'ok' }), labStep('write-file')],
      }),
    });
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    expect(reset.result).not.toHaveBeenCalled();
    await user.click(
      within(screen.getByRole('group', { name: /^Reset the lab\?/ })).getByRole('button', {
        name: 'Reset lab',
      }),
    );
    await screen.findByText('Status: Preparing your sandbox');
    expect(reset.result).toHaveBeenCalledTimes(1);
    expect(
      screen.getByRole('progressbar', { name: 'Sandbox preparation' }).getAttribute('aria-valuenow'),
    ).toBe('0');
    expect(within(stepItem('Make a directory')).getByRole('heading').textContent).toBe(
      '○ Make a directory (Not checked yet)',
    );
    expect(document.querySelectorAll('pre')).toHaveLength(0);
    expect(screen.queryByText(/^Terminal of/)).toBeNull();
  });

  it('shows why the session could not be extended', async () => {
    const extend = mutationMock(LabExtendMutation, 'labExtend', sessionInput, {
      userErrors: [userError('EXTENSION_LIMIT', 'This lab cannot be extended any further.')],
    });
    const { user } = renderLab([extend], { session: labSession() });
    await user.click(screen.getByRole('button', { name: 'Extend' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This lab cannot be extended any further.');
    expect(extend.result).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/^Extended:/)).toBeNull();
  });

  it('says stopping failed when the request itself fails', async () => {
    const { user } = renderLab(
      [
        {
          request: { query: LabStopMutation, variables: { input: sessionInput } },
          error: new Error('offline'),
        },
      ],
      { session: labSession() },
    );
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    await user.click(screen.getByRole('button', { name: 'Stop lab' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Stopping the lab failed. Please try again.');
    expect(document.querySelector('.lab-status p')!.textContent).toBe('Status: Ready');
  });

  describe('with a running clock', () => {
    beforeEach(() => jest.useFakeTimers({ now: Date.parse('2030-01-01T12:24:58.000Z') }));
    afterEach(() => jest.useRealTimers());

    const timer = () => screen.getByRole('timer').textContent;
    const warning = () => document.querySelector('.lab-warning-region')!.textContent;
    const tick = (ms: number) => act(async () => void (await jest.advanceTimersByTimeAsync(ms)));

    it('counts the time left down, warns 5 minutes and 1 minute before the end, and Extend moves the end', async () => {
      const extend = mutationMock(LabExtendMutation, 'labExtend', sessionInput, {
        session: labSession({ expiresAt: '2030-01-01T12:45:00.000Z' }),
      });
      const { user } = renderLab([extend], { session: labSession(), fakeTimers: true });
      expect(timer()).toBe('5:02');
      expect(warning()).toBe('');
      expect(document.querySelector('.lab-warning-region')!.getAttribute('aria-live')).toBe('assertive');

      await tick(2000);
      expect(timer()).toBe('5:00');
      expect(warning()).toBe('Less than 5 minutes left. Extend the session if you need more time.');

      await tick(240_000);
      expect(timer()).toBe('1:00');
      expect(warning()).toBe(
        'Less than 1 minute left: the sandbox will be deleted. Extend the session to keep working.',
      );

      await user.click(screen.getByRole('button', { name: 'Extend' }));
      // The mocked answer, then the cache's word to its watchers, each arrive in a later task.
      await tick(50);
      expect(extend.result).toHaveBeenCalledTimes(1);
      expect(timer()).toBe('16:00');
      expect(warning()).toBe('');
      expect(screen.getByText(/^Extended:/).textContent).toBe(
        `Extended: the session now ends at ${endTime('2030-01-01T12:45:00.000Z')}.`,
      );
    });

    it('asks for a session being prepared every 5 s, so a missed READY still arrives, and stops once READY', async () => {
      const poll: MockedResponse & { result: jest.Mock } = {
        request: { query: LabSessionStatusQuery, variables: { id: LAB_SESSION_ID } },
        result: jest.fn(() => ({ data: { labSession: labSession() } })),
      };
      renderLab([poll], {
        session: labSession({ status: 'PROVISIONING', progressPercent: 90 }),
        fakeTimers: true,
      });
      await tick(4_900);
      expect(poll.result).not.toHaveBeenCalled();
      await tick(200);
      await tick(50);
      expect(poll.result).toHaveBeenCalledTimes(1);
      expect(statusLine()).toBe('Status: Ready');
      await tick(20_000);
      expect(poll.result).toHaveBeenCalledTimes(1);
    });

    it("warns when the server says so even if this device's clock runs behind", async () => {
      const { events } = renderLab([], { session: labSession(), fakeTimers: true });
      expect(warning()).toBe('');
      // The server counts 240 s left where the local clock sees 302 s.
      await events.emit('EXPIRY_WARNING', labSession(), { secondsLeft: 240 });
      expect(timer()).toBe('4:00');
      expect(warning()).toBe('Less than 5 minutes left. Extend the session if you need more time.');
    });
  });

  it('shows the lesson complete and has its progress fetched again when the last check passes', async () => {
    const { events, onCompleted } = renderLab([], {
      session: labSession({ steps: [labStep('make-dir', { status: 'PASSED' }), labStep('write-file')] }),
    });
    expect(screen.queryByText('✓ Lesson completed')).toBeNull();
    const passed = labStep('write-file', { status: 'PASSED', lastOutput: 'hello' });
    await events.emit(
      'CHECK',
      labSession({ status: 'COMPLETED', steps: [labStep('make-dir', { status: 'PASSED' }), passed] }),
      {
        step: passed,
      },
    );
    // The first write of this session to the cache reaches the lesson a few tasks later.
    await waitFor(() => expect(statusLine()).toBe('Status: Completed — Every step passed: well done!'));
    expect(screen.getByText('✓ Lesson completed')).toBeTruthy();
    expect(onCompleted).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/^Terminal of/)).toBeNull();
    await waitFor(() => expect(events.open).toEqual([]));
    expect(screen.queryByRole('button', { name: /Mark as/ })).toBeNull();
  });

  it('says so when the live updates end with an error', async () => {
    const { events } = renderLab([], { session: labSession() });
    await events.fail('Forbidden');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Live updates of this session stopped. Reload the page to see where it is.',
    );
  });

  it('follows a session still being prepared when the page opens', () => {
    const running = renderLab([], { session: labSession({ status: 'PROVISIONING', progressPercent: 70 }) });
    expect(running.events.open.map((subscription) => subscription.variables)).toEqual([
      { sessionId: LAB_SESSION_ID },
    ]);
    expect(
      screen.getByRole('progressbar', { name: 'Sandbox preparation' }).getAttribute('aria-valuenow'),
    ).toBe('70');
  });

  it('shows an ended session with the option to start a new one, without following it', () => {
    const { events, onCompleted } = renderLab([], {
      session: labSession({ status: 'EXPIRED' }),
      progress: null,
    });
    expect(statusLine()).toBe(
      'Status: Expired — This session ran out of time; its sandbox has been deleted.',
    );
    expect(screen.getByRole('button', { name: 'Start a new session' })).toBeTruthy();
    expect(screen.queryByRole('timer')).toBeNull();
    expect(events.subscriptions).toEqual([]);
    expect(onCompleted).not.toHaveBeenCalled();
  });
});
