/**
 * @jest-environment jsdom
 *
 * Quiz drafting on a quiz lesson: "Draft questions" asks for the chosen count and shows the new
 * draft; the instructor's edits and choices are what quizDraftAccept receives; its userErrors
 * appear on the question they are about; an accepted draft says how many questions were added.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createCache } from '../../src/cache';
import { QuizDraftAcceptMutation, QuizDraftGenerateMutation, QuizDraftsQuery } from '@learncraft/operations';
import { QuizDrafts } from '../../src/pages/lesson/QuizDrafts';

const LESSON_ID = 'lesson-quiz';
const DRAFT_ID = 'draft-1';

const option = (label: string, correct: boolean) => ({ __typename: 'QuizDraftOption', label, correct });
const draftQuestion = (id: string, prompt: string) => ({
  __typename: 'QuizDraftQuestion',
  id,
  prompt,
  multiple: false,
  options: [option('etcd', true), option('kubelet', false)],
  explanation: 'Because.',
  sourceLesson: { __typename: 'Lesson', id: 'lesson-arch', title: 'Cluster Architecture' },
});
const draft = (status: string) => ({
  __typename: 'QuizDraft',
  id: DRAFT_ID,
  status,
  offline: true,
  createdAt: '2030-01-01T12:00:00.000Z',
  questions: [draftQuestion('d1', 'First?'), draftQuestion('d2', 'Second?'), draftQuestion('d3', 'Third?')],
});

const draftsMock = (drafts: unknown[]): MockedResponse => ({
  request: { query: QuizDraftsQuery, variables: { lessonId: LESSON_ID } },
  result: { data: { quizDrafts: drafts } },
});

const generateMock: MockedResponse = {
  request: { query: QuizDraftGenerateMutation, variables: { input: { lessonId: LESSON_ID, count: 3 } } },
  result: {
    data: {
      quizDraftGenerate: { __typename: 'QuizDraftGeneratePayload', draft: draft('PENDING'), userErrors: [] },
    },
  },
};

function acceptMock(sent: unknown[], userErrors: unknown[]): MockedResponse {
  return {
    request: { query: QuizDraftAcceptMutation },
    variableMatcher: (variables) => {
      sent.push(variables.input);
      return true;
    },
    result: {
      data: {
        quizDraftAccept: {
          __typename: 'QuizDraftAcceptPayload',
          draft: userErrors.length ? null : { __typename: 'QuizDraft', id: DRAFT_ID, status: 'ACCEPTED' },
          lesson: userErrors.length ? null : { __typename: 'Lesson', id: LESSON_ID },
          userErrors,
        },
      },
    },
  };
}

async function draftThree(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <QuizDrafts lessonId={LESSON_ID} />
    </MockedProvider>,
  );
  fireEvent.change(screen.getByLabelText('Number of questions (1–10)'), { target: { value: '3' } });
  fireEvent.click(screen.getByRole('button', { name: 'Draft questions' }));
  await screen.findByRole('group', { name: /^Question 1/ });
  const questions = screen.getAllByRole('group', { name: /^Question \d/ });
  fireEvent.change(within(questions[0]!).getByLabelText('Prompt'), { target: { value: 'Edited first?' } });
  fireEvent.click(within(questions[2]!).getByLabelText('Include question 3'));
  return questions;
}

describe('QuizDrafts', () => {
  it('drafts the chosen number of questions and adds the kept ones as edited', async () => {
    const sent: unknown[] = [];
    await draftThree([
      draftsMock([]),
      generateMock,
      draftsMock([draft('PENDING')]),
      acceptMock(sent, []),
      draftsMock([draft('ACCEPTED')]),
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Add selected to quiz (2)' }));
    await screen.findByText('✓ 2 questions added to the quiz.');
    const options = [
      { label: 'etcd', correct: true },
      { label: 'kubelet', correct: false },
    ];
    expect(sent).toEqual([
      {
        draftId: DRAFT_ID,
        questions: [
          { id: 'd1', prompt: 'Edited first?', multiple: false, options, explanation: 'Because.' },
          { id: 'd2', prompt: 'Second?', multiple: false, options, explanation: 'Because.' },
        ],
      },
    ]);
    await waitFor(() => expect(screen.queryByRole('group', { name: /^Question 1/ })).toBeNull());
    expect(screen.getByText('1 earlier draft was added or discarded.')).toBeTruthy();
  });

  it('shows a userError on the question it is about', async () => {
    const sent: unknown[] = [];
    const questions = await draftThree([
      draftsMock([]),
      generateMock,
      draftsMock([draft('PENDING')]),
      acceptMock(sent, [
        {
          __typename: 'UserError',
          code: 'OPTION_LABEL_TOO_LONG',
          message: 'An option is at most 500 characters.',
          field: ['input', 'questions', '1', 'options', '0', 'label'],
        },
      ]),
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Add selected to quiz (2)' }));
    const alert = await within(questions[1]!).findByRole('alert');
    expect(alert.textContent).toBe('An option is at most 500 characters.');
    expect(within(questions[0]!).queryByRole('alert')).toBeNull();
    expect(screen.getByRole('group', { name: /^Question 2/ }).getAttribute('aria-describedby')).toBe(
      alert.id,
    );
  });
});
