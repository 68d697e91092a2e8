import type { CourseContent } from './content';
import {
  answerCacheKey,
  budgetDay,
  citationsFor,
  conversationTitle,
  nextHintLevel,
  questionErrors,
  toCitation,
  unpassedQuizLessons,
  withheldAnswers,
  withheldCheck,
} from './tutor';

const lesson = (
  id: string,
  kind: 'READING' | 'QUIZ',
  quiz: CourseContent['lessons'][number]['quiz'] = null,
) => ({
  id,
  title: id,
  kind,
  moduleId: 'm1',
  moduleTitle: 'Module',
  markdown: kind === 'READING' ? '# Text' : null,
  transcriptVtt: null,
  lab: null,
  quiz,
});

const course: CourseContent = {
  id: 'c1',
  version: 3,
  title: 'Kubernetes Basics',
  published: true,
  instructorIds: ['teacher'],
  lessons: [
    lesson('reading', 'READING'),
    lesson('quiz-1', 'QUIZ', {
      questions: [
        {
          id: 'q1',
          prompt: 'Which component stores the cluster state?',
          options: [
            { id: 'a', label: 'kube-scheduler' },
            { id: 'b', label: 'etcd' },
          ],
          explanation: 'etcd is the store.',
        },
        {
          id: 'q2',
          prompt: 'How does a Service pick Pods?',
          options: [
            { id: 'a', label: 'By matching labels with its label selector' },
            { id: 'b', label: 'By Pod name' },
          ],
          explanation: null,
        },
      ],
    }),
    lesson('quiz-2', 'QUIZ', { questions: [] }),
  ],
};

const keys = [
  {
    lessonId: 'quiz-1',
    questions: [
      { id: 'q1', correctOptionIds: ['b'] },
      { id: 'q2', correctOptionIds: ['a'] },
    ],
  },
];

describe('questions', () => {
  it('must have text, at most 2 000 characters of it', () => {
    expect(questionErrors('  What is a pod?  ')).toEqual([]);
    expect(questionErrors(' \n ')).toEqual([
      { code: 'QUESTION_EMPTY', message: 'Ask a question.', field: ['input', 'question'] },
    ]);
    expect(questionErrors('x'.repeat(2_001))[0]).toEqual({
      code: 'QUESTION_TOO_LONG',
      message: 'A question may be at most 2000 characters (this one has 2001).',
      field: ['input', 'question'],
    });
  });

  it('title a conversation with their first line, shortened to 80 characters', () => {
    expect(conversationTitle('  What is\n a pod? ')).toBe('What is a pod?');
    const title = conversationTitle('word '.repeat(40));
    expect(title).toHaveLength(80);
    expect(title.endsWith('…')).toBe(true);
  });
});

describe('the quiz guard', () => {
  it('hides the explanations of every quiz lesson the learner has not passed', () => {
    expect(unpassedQuizLessons(course, new Set(['quiz-2']))).toEqual(['quiz-1']);
    expect(unpassedQuizLessons(course, new Set(['quiz-1', 'quiz-2']))).toEqual([]);
  });

  it('filters short correct options only when the quiz is the topic, long ones always', () => {
    expect(withheldAnswers(course, keys, { question: 'What is a pod?', lessonId: 'reading' })).toEqual([
      'By matching labels with its label selector',
    ]);
    expect(
      withheldAnswers(course, keys, { question: 'Which option is correct?', lessonId: 'reading' }),
    ).toEqual(['etcd', 'By matching labels with its label selector']);
    expect(withheldAnswers(course, keys, { question: 'Explain this', lessonId: 'quiz-1' })).toEqual([
      'etcd',
      'By matching labels with its label selector',
    ]);
  });

  it('keeps check commands and their substantial lines out of hints', () => {
    expect(
      withheldCheck('test -d ~/workshop/notes\n# comment\ngrep -qx "hello" ~/workshop/notes/hello.txt'),
    ).toEqual([
      'test -d ~/workshop/notes\n# comment\ngrep -qx "hello" ~/workshop/notes/hello.txt',
      'test -d ~/workshop/notes',
      'grep -qx "hello" ~/workshop/notes/hello.txt',
    ]);
  });
});

describe('hints', () => {
  it('go from a nudge (1) to the most specific (3) and stay there', () => {
    expect([0, 1, 2, 3, 9].map(nextHintLevel)).toEqual([1, 2, 3, 3, 3]);
  });
});

describe('citations', () => {
  const passage = (ref: number, text: string, startSeconds: number | null = null) => ({
    ref,
    lessonId: `l${ref}`,
    lessonTitle: `Lesson ${ref}`,
    source: startSeconds === null ? ('READING' as const) : ('TRANSCRIPT' as const),
    heading: null,
    text,
    startSeconds,
  });

  it('carry the lesson, a snippet of at most 300 characters and the video time', () => {
    expect(toCitation(passage(1, 'A Pod  wraps\none or more containers.', 42))).toEqual({
      lessonId: 'l1',
      source: 'TRANSCRIPT',
      heading: null,
      snippet: 'A Pod wraps one or more containers.',
      startSeconds: 42,
    });
    expect(toCitation(passage(2, 'word '.repeat(100))).snippet).toHaveLength(300);
  });

  it('are the cited passages, or the best three when a reply cites none', () => {
    const passages = [1, 2, 3, 4].map((ref) => passage(ref, `text ${ref}`));
    expect(citationsFor([passages[3]!], passages).map((citation) => citation.lessonId)).toEqual(['l4']);
    expect(citationsFor([], passages).map((citation) => citation.lessonId)).toEqual(['l1', 'l2', 'l3']);
  });
});

describe('the answer cache key', () => {
  const base = {
    courseId: 'c1',
    courseVersion: 3,
    lessonId: null,
    withheld: ['quiz-1'],
    question: 'What is a Pod?',
    model: 'offline',
  };
  it('is the same for the same question however it is typed', () => {
    expect(answerCacheKey({ ...base, question: '  what is a pod ' })).toBe(answerCacheKey(base));
  });
  it('differs by course version, lesson and quiz rule', () => {
    const key = answerCacheKey(base);
    expect(answerCacheKey({ ...base, courseVersion: 4 })).not.toBe(key);
    expect(answerCacheKey({ ...base, lessonId: 'reading' })).not.toBe(key);
    expect(answerCacheKey({ ...base, withheld: [] })).not.toBe(key);
  });
});

describe('the daily budget', () => {
  it('is one UTC day, renewing at midnight', () => {
    expect(budgetDay(new Date('2026-12-01T23:59:30.000Z'))).toEqual({ day: '2026-12-01', secondsLeft: 30 });
    expect(budgetDay(new Date('2026-12-02T00:00:00.000Z'))).toEqual({
      day: '2026-12-02',
      secondsLeft: 86_400,
    });
  });
});
