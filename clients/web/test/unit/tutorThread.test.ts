/**
 * The tutor thread reducer: a reply grows by its deltas in order, the final event replaces it
 * whole, a conversation opened mid-reply follows that reply, and a hint from another conversation
 * opens it.
 */
import { EMPTY_THREAD, threadReducer, type TutorThread } from '@learncraft/operations/tutorThread';
import { CONVERSATION_ID, learnerQuestion, podsCitation, tutorMessage } from './tutorFixtures';

const asked = (): TutorThread =>
  threadReducer(EMPTY_THREAD, {
    type: 'asked',
    conversationId: CONVERSATION_ID,
    question: learnerQuestion('What is a pod?'),
    reply: tutorMessage(),
  });

describe('threadReducer', () => {
  it('shows the question and the pending reply, and follows the reply', () => {
    const thread = asked();
    expect(thread.conversationId).toBe(CONVERSATION_ID);
    expect(thread.messages.map((message) => [message.role, message.content])).toEqual([
      ['LEARNER', 'What is a pod?'],
      ['TUTOR', ''],
    ]);
    expect(thread.streamingId).toBe('reply-1');
  });

  it('appends each delta in order and marks the reply STREAMING', () => {
    let thread = asked();
    for (const delta of ['A ', 'Pod ', 'is ', ''])
      thread = threadReducer(thread, { type: 'delta', messageId: 'reply-1', delta });
    expect(thread.messages[1]).toMatchObject({ content: 'A Pod is ', status: 'STREAMING' });
    expect(thread.streamingId).toBe('reply-1');
  });

  it('replaces the streamed text with the final message and stops following', () => {
    let thread = threadReducer(asked(), { type: 'delta', messageId: 'reply-1', delta: 'A Pd' });
    const final = tutorMessage({
      content: 'A Pod is the smallest unit.',
      status: 'COMPLETE',
      citations: [podsCitation],
      completedAt: '2030-01-01T12:00:05.000Z',
    });
    thread = threadReducer(thread, { type: 'final', message: final });
    expect(thread.messages[1]).toBe(final);
    expect(thread.streamingId).toBeNull();
  });

  it('ignores deltas that arrive for a reply already final', () => {
    const final = tutorMessage({ content: 'Done.', status: 'COMPLETE' });
    let thread = threadReducer(asked(), { type: 'final', message: final });
    thread = threadReducer(thread, { type: 'delta', messageId: 'reply-1', delta: ' late' });
    expect(thread.messages[1]!.content).toBe('Done.');
  });

  it('keeps a FAILED final message with its error', () => {
    const failed = tutorMessage({
      content: 'A Pod',
      status: 'FAILED',
      error: {
        code: 'PROVIDER_TIMEOUT',
        message: 'The tutor took too long.',
      },
    });
    const thread = threadReducer(asked(), { type: 'final', message: failed });
    expect(thread.messages[1]).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_TIMEOUT' } });
    expect(thread.streamingId).toBeNull();
  });

  it('marks the reply FAILED, keeping its text, when the stream breaks', () => {
    let thread = threadReducer(asked(), { type: 'delta', messageId: 'reply-1', delta: 'A Pod' });
    thread = threadReducer(thread, { type: 'streamFailed', messageId: 'reply-1', error: 'Lost.' });
    expect(thread.messages[1]).toMatchObject({
      content: 'A Pod',
      status: 'FAILED',
      error: { code: 'INTERRUPTED', message: 'Lost.' },
    });
    expect(thread.streamingId).toBeNull();
  });

  it('continues the same conversation with the next question', () => {
    const first = threadReducer(asked(), {
      type: 'final',
      message: tutorMessage({ content: 'A Pod…', status: 'COMPLETE' }),
    });
    const thread = threadReducer(first, {
      type: 'asked',
      conversationId: CONVERSATION_ID,
      question: learnerQuestion('And a node?', 'question-2'),
      reply: tutorMessage({ id: 'reply-2' }),
    });
    expect(thread.messages.map((message) => message.id)).toEqual([
      'question-1',
      'reply-1',
      'question-2',
      'reply-2',
    ]);
    expect(thread.streamingId).toBe('reply-2');
  });

  it('opens the conversation of a hint asked for elsewhere, with only the hint in it', () => {
    const hint = tutorMessage({
      id: 'hint-1',
      kind: 'HINT',
      hintLevel: 2,
      conversation: { id: 'lab-conversation' },
    });
    const thread = threadReducer(asked(), {
      type: 'asked',
      conversationId: 'lab-conversation',
      question: null,
      reply: hint,
    });
    expect(thread).toEqual({ conversationId: 'lab-conversation', messages: [hint], streamingId: 'hint-1' });
  });

  it('follows the reply still being written when a conversation is opened', () => {
    const thread = threadReducer(EMPTY_THREAD, {
      type: 'open',
      conversationId: CONVERSATION_ID,
      messages: [learnerQuestion('What is a pod?'), tutorMessage({ status: 'STREAMING', content: 'A Po' })],
    });
    expect(thread.streamingId).toBe('reply-1');
    const finished = threadReducer(EMPTY_THREAD, {
      type: 'open',
      conversationId: CONVERSATION_ID,
      messages: [learnerQuestion('What is a pod?'), tutorMessage({ status: 'COMPLETE', content: 'A Pod' })],
    });
    expect(finished.streamingId).toBeNull();
  });

  it('records a rating on its reply only', () => {
    const rating = {
      helpful: true,
      comment: null,
      ratedAt: '2030-01-01T12:01:00.000Z',
    };
    const thread = threadReducer(asked(), { type: 'rated', messageId: 'reply-1', rating });
    expect(thread.messages.map((message) => message.rating)).toEqual([null, rating]);
  });
});
