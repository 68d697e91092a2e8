/**
 * The outbox as screens use it, inside the app's providers with a real Apollo client over HTTP:
 * a quiz answered offline shows as pending, goes out when the connection comes back, and its grade
 * reaches `useQuizOutcome`; the banner says the app is offline, counts what waits, and Retry runs
 * the retry.
 */
import { ApolloProvider } from '@apollo/client';
import { act, fireEvent, render, screen } from '@testing-library/react-native';
import { Text } from 'react-native';
import NetInfo from '@react-native-community/netinfo';
import { ConnectionBanner, pendingLabel } from '../../src/offline/ConnectionBanner';
import { connection } from '../../src/offline/connectionState';
import { OutboxProvider, useOutbox, useQuizOutcome } from '../../src/offline/OutboxContext';
import { Button } from '../../src/ui';
import { testClient } from './support/client';
import { FakeGateway, startFakeGateway } from './support/fakeGateway';
import { MemoryStorage } from './support/memoryStorage';

jest.mock('@react-native-community/netinfo', () =>
  jest.requireActual('@react-native-community/netinfo/jest/netinfo-mock.js'),
);
jest.mock('@react-native-async-storage/async-storage', () =>
  jest.requireActual('@react-native-async-storage/async-storage/jest/async-storage-mock'),
);

function QuizProbe() {
  const { send, pending } = useOutbox();
  const outcome = useQuizOutcome('quiz-1');
  return (
    <>
      <Button
        label="Submit answers"
        onPress={() =>
          void send({
            kind: 'quizSubmit',
            lessonId: 'quiz-1',
            answers: [{ questionId: 'q1', optionIds: ['b'] }],
          })
        }
      />
      <Text>{`pending ${pending.length}`}</Text>
      <Text>
        {outcome?.status === 'sent'
          ? `graded ${outcome.result.attempt?.scorePercent ?? 'none'}%`
          : (outcome?.status ?? 'no outcome')}
      </Text>
    </>
  );
}

describe('the outbox provider and the connection banner', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    gateway = await startFakeGateway();
    connection.setDeviceOnline(true);
    connection.reportNetworkSuccess();
  });
  afterEach(() => gateway.close());

  async function renderApp(storage = new MemoryStorage()) {
    await render(
      <ApolloProvider client={testClient(gateway.url)}>
        <OutboxProvider storage={storage}>
          <ConnectionBanner />
          <QuizProbe />
        </OutboxProvider>
      </ApolloProvider>,
    );
    return storage;
  }

  it('a quiz answered offline is pending, then sent once on reconnect, and its grade arrives', async () => {
    await renderApp();
    gateway.mode = 'unreachable';
    await act(() => connection.setDeviceOnline(false));
    expect(screen.getByText(/^You are offline/)).toBeOnTheScreen();

    await fireEvent.press(screen.getByRole('button', { name: 'Submit answers' }));
    expect(await screen.findByText('pending 1')).toBeOnTheScreen();
    expect(screen.getByText('pending')).toBeOnTheScreen();
    expect(screen.getByText('1 change waiting to be sent')).toBeOnTheScreen();

    gateway.mode = 'up';
    await act(() => connection.setDeviceOnline(true));
    expect(await screen.findByText('graded 100%')).toBeOnTheScreen();
    expect(screen.getByText('pending 0')).toBeOnTheScreen();
    expect(screen.queryByText(/^You are offline/)).toBeNull();
    expect(gateway.count('QuizSubmit')).toBe(1);
    expect(gateway.attempts).toHaveLength(1);
  });

  it('the banner shows when the device is connected but the last request found no gateway', async () => {
    await renderApp();
    expect(screen.queryByText(/^You are offline/)).toBeNull();
    await act(() => connection.reportNetworkFailure());
    expect(
      screen.getByText('You are offline — your progress is saved on this phone and sent when you reconnect.'),
    ).toBeOnTheScreen();
  });

  it('Retry forgets the failure, asks the device again and sends what waits', async () => {
    await renderApp();
    gateway.mode = 'unreachable';
    await fireEvent.press(screen.getByRole('button', { name: 'Submit answers' }));
    expect(await screen.findByText('1 change waiting to be sent')).toBeOnTheScreen();
    const retried = jest.fn();
    const off = connection.onReconnect(retried);
    gateway.mode = 'up';
    await fireEvent.press(screen.getByRole('button', { name: 'Retry' }));
    expect(retried).toHaveBeenCalledTimes(1);
    expect(NetInfo.refresh).toHaveBeenCalled();
    expect(await screen.findByText('graded 100%')).toBeOnTheScreen();
    expect(screen.queryByText(/^You are offline/)).toBeNull();
    off();
  });

  it("another learner signed in on the phone sees neither the first learner's queued quiz nor its grade", async () => {
    const storage = new MemoryStorage();
    const client = testClient(gateway.url);
    const tree = (ownerId: string) => (
      <ApolloProvider client={client}>
        <OutboxProvider storage={storage} ownerId={ownerId}>
          <ConnectionBanner />
          <QuizProbe />
        </OutboxProvider>
      </ApolloProvider>
    );
    const view = await render(tree('learner-a'));
    gateway.mode = 'unreachable';
    await act(() => connection.setDeviceOnline(false));
    await fireEvent.press(screen.getByRole('button', { name: 'Submit answers' }));
    expect(await screen.findByText('pending 1')).toBeOnTheScreen();

    await view.rerender(tree('learner-b'));
    expect(screen.getByText('pending 0')).toBeOnTheScreen();
    expect(screen.getByText('no outcome')).toBeOnTheScreen();
    expect(screen.queryByText(/changes? waiting to be sent/)).toBeNull();
    gateway.mode = 'up';
    await act(() => connection.setDeviceOnline(true));
    // Online with b signed in: a's answers wait for a.
    expect(gateway.count('QuizSubmit')).toBe(0);

    await view.rerender(tree('learner-a'));
    expect(await screen.findByText('graded 100%')).toBeOnTheScreen();
    expect(gateway.count('QuizSubmit')).toBe(1);
    await view.rerender(tree('learner-b'));
    expect(screen.getByText('no outcome')).toBeOnTheScreen();
  });

  it('counts changes in words', () => {
    expect([pendingLabel(1), pendingLabel(3)]).toEqual([
      '1 change waiting to be sent',
      '3 changes waiting to be sent',
    ]);
  });
});
