/**
 * From a quiz draft to quizDraftAccept: every question editable and included at first; only the
 * included ones are sent, in draft order, trimmed, an empty explanation as null; a single-answer
 * question keeps one correct option; userErrors are mapped back to the draft question they name.
 */
import {
  acceptInput,
  chooseCorrect,
  draftErrors,
  editableQuestions,
} from '../../src/pages/lesson/quizDraftEdit';

const draft = {
  questions: [
    {
      id: 'd1',
      prompt: 'What runs containers?',
      multiple: false,
      options: [
        { label: 'A Pod', correct: true },
        { label: 'A Service', correct: false },
      ],
      explanation: 'Pods run containers.',
    },
    {
      id: 'd2',
      prompt: 'Which are workloads?',
      multiple: true,
      options: [
        { label: 'Deployment', correct: true },
        { label: 'StatefulSet', correct: true },
        { label: 'ConfigMap', correct: false },
      ],
      explanation: null,
    },
    {
      id: 'd3',
      prompt: 'Where is cluster state stored?',
      multiple: false,
      options: [
        { label: 'etcd', correct: true },
        { label: 'kubelet', correct: false },
      ],
      explanation: '',
    },
  ],
};

describe('quiz draft editing', () => {
  it('starts with every question included, as drafted', () => {
    const questions = editableQuestions(draft);
    expect(questions.map((question) => [question.id, question.include, question.explanation])).toEqual([
      ['d1', true, 'Pods run containers.'],
      ['d2', true, ''],
      ['d3', true, ''],
    ]);
  });

  it('sends only the included questions, in order, as edited', () => {
    const [first, second, third] = editableQuestions(draft);
    const edited = [
      { ...first!, prompt: '  Which object runs containers?  ', explanation: '  ' },
      { ...second!, include: false },
      { ...third!, options: [{ label: ' etcd ', correct: true }, ...third!.options.slice(1)] },
    ];
    expect(acceptInput('draft-1', edited)).toEqual({
      draftId: 'draft-1',
      questions: [
        {
          id: 'd1',
          prompt: 'Which object runs containers?',
          multiple: false,
          options: [
            { label: 'A Pod', correct: true },
            { label: 'A Service', correct: false },
          ],
          explanation: null,
        },
        {
          id: 'd3',
          prompt: 'Where is cluster state stored?',
          multiple: false,
          options: [
            { label: 'etcd', correct: true },
            { label: 'kubelet', correct: false },
          ],
          explanation: null,
        },
      ],
    });
  });

  it('keeps one correct option on a single-answer question and any number on a multiple one', () => {
    const [single, multiple] = editableQuestions(draft);
    expect(chooseCorrect(single!, 1, true).options.map((option) => option.correct)).toEqual([false, true]);
    expect(chooseCorrect(multiple!, 2, true).options.map((option) => option.correct)).toEqual([
      true,
      true,
      true,
    ]);
    expect(chooseCorrect(multiple!, 0, false).options.map((option) => option.correct)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('maps userErrors to the draft question they point at, by position in what was sent', () => {
    const [first, second, third] = editableQuestions(draft);
    const sent = acceptInput('draft-1', [first!, { ...second!, include: false }, third!]);
    const errors = draftErrors(
      [
        {
          code: 'OPTION_LABEL_EMPTY',
          message: 'An option needs text.',
          field: ['input', 'questions', '1', 'options', '0', 'label'],
        },
        { code: 'UNKNOWN_QUESTION', message: 'No such question.', field: ['input', 'questions', 'd1'] },
        { code: 'DRAFT_NOT_PENDING', message: 'This draft was already used.', field: ['input', 'draftId'] },
        { code: 'BUDGET_EXHAUSTED', message: 'Try tomorrow.', field: null },
      ],
      sent,
    );
    expect(errors.general).toEqual(['This draft was already used.', 'Try tomorrow.']);
    expect([...errors.byQuestion]).toEqual([
      ['d3', ['An option needs text.']],
      ['d1', ['No such question.']],
    ]);
  });
});
