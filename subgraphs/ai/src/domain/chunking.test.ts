import type { CourseContent, LessonContent } from './content';
import { chunkCourse, MAX_CHUNK_CHARS, parseWebVtt } from './chunking';

function lesson(overrides: Partial<LessonContent> & Pick<LessonContent, 'id' | 'kind'>): LessonContent {
  return {
    title: `Lesson ${overrides.id}`,
    moduleId: 'm1',
    moduleTitle: 'Module one',
    markdown: null,
    transcriptVtt: null,
    lab: null,
    quiz: null,
    ...overrides,
  };
}

function course(...lessons: LessonContent[]): CourseContent {
  return { id: 'c1', version: 4, title: 'Course', published: true, instructorIds: [], lessons };
}

describe('reading chunks', () => {
  const markdown = [
    '# Pods',
    '',
    'A **Pod** is the _smallest_ unit. See [the docs](https://kubernetes.io/docs).',
    '',
    '## Lifecycle',
    '',
    'Pods move through `Pending` and `Running`.',
    '',
    '```bash',
    'kubectl get pods',
    '',
    'kubectl describe pod web',
    '```',
    '',
    '### Restarts',
    '',
    '- the kubelet restarts containers',
    '- with back-off',
    '',
    '## Empty section',
    '',
    '## Networking',
    '',
    '| Field | Meaning |',
    '|---|---|',
    '| podIP | the address |',
  ].join('\n');

  const chunks = chunkCourse(course(lesson({ id: 'pods', kind: 'READING', markdown })));

  it('splits under headings with the heading path, dropping the single document title from deeper paths', () => {
    expect(chunks.map((c) => [c.id, c.heading])).toEqual([
      ['pods:0', 'Pods'],
      ['pods:1', 'Lifecycle'],
      ['pods:2', 'Lifecycle › Restarts'],
      ['pods:3', 'Networking'],
    ]);
  });

  it('strips Markdown markup but keeps code, list items and table cells as text', () => {
    expect(chunks.map((c) => c.text)).toEqual([
      'A Pod is the smallest unit. See the docs.',
      'Pods move through Pending and Running.\n\nkubectl get pods\n\nkubectl describe pod web',
      '- the kubelet restarts containers\n- with back-off',
      'Field · Meaning\npodIP · the address',
    ]);
  });

  it('fills in where each chunk belongs', () => {
    expect(chunks[0]).toEqual({
      id: 'pods:0',
      courseId: 'c1',
      lessonId: 'pods',
      lessonTitle: 'Lesson pods',
      lessonKind: 'READING',
      source: 'READING',
      heading: 'Pods',
      text: 'A Pod is the smallest unit. See the docs.',
      startSeconds: null,
      quizQuestionId: null,
      labStepId: null,
    });
  });

  it('splits a long section at paragraph boundaries, carrying the last sentence over', () => {
    const paragraph = (n: number) =>
      `Paragraph ${n} talks about scheduling in some depth. ${'word '.repeat(60).trim()}. Ends ${n}.`;
    const long = ['## Scheduling', '', ...[1, 2, 3, 4, 5, 6].flatMap((n) => [paragraph(n), ''])].join('\n');
    const parts = chunkCourse(course(lesson({ id: 'sched', kind: 'READING', markdown: long })));
    // Each paragraph is 358 characters: two fit in 800, and so do an overlap sentence and two more.
    expect(parts.map((c) => [c.heading, c.text.length, c.text.slice(0, 20), c.text.slice(-7)])).toEqual([
      ['Scheduling', 718, 'Paragraph 1 talks ab', 'Ends 2.'],
      ['Scheduling', 727, 'Ends 2.\n\nParagraph 3', 'Ends 4.'],
      ['Scheduling', 727, 'Ends 4.\n\nParagraph 5', 'Ends 6.'],
    ]);
  });

  it('cuts a single paragraph longer than the limit at sentence boundaries', () => {
    const sentence = 'The scheduler filters nodes and then scores the remaining candidates carefully.';
    const parts = chunkCourse(
      course(lesson({ id: 'one', kind: 'READING', markdown: Array(30).fill(sentence).join(' ') })),
    );
    // 79-character sentences: ten of them and their nine separating spaces make 799.
    expect(parts.map((c) => c.text.length)).toEqual([799, 799, 799]);
    expect(parts.every((c) => c.text.length <= MAX_CHUNK_CHARS && c.text.endsWith('carefully.'))).toBe(true);
  });

  it('yields nothing for a lesson without text', () => {
    expect(chunkCourse(course(lesson({ id: 'x', kind: 'READING', markdown: '# Title only\n\n' })))).toEqual(
      [],
    );
    expect(chunkCourse(course(lesson({ id: 'y', kind: 'VIDEO', transcriptVtt: null })))).toEqual([]);
  });
});

describe('WebVTT parsing', () => {
  it('reads identifiers, both time formats, settings, multi-line cues, NOTE blocks, tags and entities', () => {
    const vtt = [
      '\uFEFFWEBVTT - a transcript',
      '',
      'NOTE recorded in one take',
      'second line of the note',
      '',
      'STYLE',
      '::cue { color: red }',
      '',
      'intro',
      '00:01.000 --> 00:04.500 align:start position:10%',
      '<v Ada>Hello &amp; welcome</v>',
      'to <b>Pods</b>.',
      '',
      '01:00:02.250 --> 01:00:03.000',
      'Late cue',
      '',
      '00:00:05.000 --> 00:00:06.000',
      '',
    ].join('\r\n');
    expect(parseWebVtt(vtt)).toEqual([
      { startSeconds: 1, endSeconds: 4.5, text: 'Hello & welcome to Pods.' },
      { startSeconds: 3602.25, endSeconds: 3603, text: 'Late cue' },
    ]);
  });

  it('skips blocks that are not cues instead of failing the transcript', () => {
    expect(parseWebVtt('WEBVTT\n\ngarbage here\n\n00:00:01.000 --> 00:00:02.000\nok')).toEqual([
      { startSeconds: 1, endSeconds: 2, text: 'ok' },
    ]);
  });
});

describe('transcript chunks', () => {
  const cue = (start: number, text: string) => {
    const stamp = (s: number) =>
      `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`;
    return `${stamp(start)} --> ${stamp(start + 10)}\n${text}`;
  };

  it('groups cues into windows of at most 60 seconds with the first cue start', () => {
    const vtt = ['WEBVTT', ...[0, 10, 20, 30, 40, 50, 60, 70].map((s) => cue(s, `Cue at ${s}.`))].join(
      '\n\n',
    );
    const chunks = chunkCourse(course(lesson({ id: 'v', kind: 'VIDEO', transcriptVtt: vtt })));
    expect(chunks.map((c) => [c.id, c.source, c.startSeconds, c.text])).toEqual([
      ['v:0', 'TRANSCRIPT', 0, 'Cue at 0. Cue at 10. Cue at 20. Cue at 30. Cue at 40. Cue at 50.'],
      ['v:1', 'TRANSCRIPT', 60, 'Cue at 60. Cue at 70.'],
    ]);
  });

  it('closes a window early when it would pass about 600 characters', () => {
    const long = 'x'.repeat(250);
    const vtt = ['WEBVTT', cue(0, long), cue(10, long), cue(20, long), cue(30, 'short')].join('\n\n');
    const chunks = chunkCourse(course(lesson({ id: 'v', kind: 'VIDEO', transcriptVtt: vtt })));
    expect(chunks.map((c) => [c.startSeconds, c.text.length])).toEqual([
      [0, 501],
      [20, 256],
    ]);
  });
});

describe('lab chunks', () => {
  it('gives the overall instructions and each step a chunk, steps titled and linked', () => {
    const chunks = chunkCourse(
      course(
        lesson({
          id: 'lab',
          kind: 'LAB',
          lab: {
            instructions: 'Write **two** manifests.',
            steps: [
              { id: 's1', title: 'Write the Deployment', instructions: 'Create `deployment.yaml`.' },
              { id: 's2', title: 'Empty step', instructions: '  ' },
              { id: 's3', title: 'Write the Service', instructions: 'Create `service.yaml`.' },
            ],
          },
        }),
      ),
    );
    expect(chunks.map((c) => [c.id, c.source, c.heading, c.labStepId, c.text])).toEqual([
      ['lab:0', 'LAB', null, null, 'Write two manifests.'],
      ['lab:1', 'LAB', 'Write the Deployment', 's1', 'Create deployment.yaml.'],
      ['lab:2', 'LAB', 'Write the Service', 's3', 'Create service.yaml.'],
    ]);
  });
});

describe('quiz chunks', () => {
  it('gives each question one chunk with its prompt, options and explanation', () => {
    const chunks = chunkCourse(
      course(
        lesson({
          id: 'quiz',
          kind: 'QUIZ',
          quiz: {
            questions: [
              {
                id: 'q1',
                prompt: 'Which component stores cluster state?',
                options: [
                  { id: 'a', label: 'etcd' },
                  { id: 'b', label: 'kubelet' },
                ],
                explanation: 'etcd is the key-value store.',
              },
              {
                id: 'q2',
                prompt: 'Default Service type?',
                options: [{ id: 'a', label: 'ClusterIP' }],
                explanation: null,
              },
            ],
          },
        }),
      ),
    );
    expect(chunks.map((c) => [c.id, c.source, c.heading, c.quizQuestionId, c.text])).toEqual([
      [
        'quiz:0',
        'QUIZ',
        'Question 1',
        'q1',
        'Which component stores cluster state?\n- etcd\n- kubelet\nExplanation: etcd is the key-value store.',
      ],
      ['quiz:1', 'QUIZ', 'Question 2', 'q2', 'Default Service type?\n- ClusterIP'],
    ]);
  });
});

describe('chunk ids', () => {
  it('are the same when unchanged content is chunked again', () => {
    const content = course(
      lesson({ id: 'a', kind: 'READING', markdown: '## One\n\nText one.\n\n## Two\n\nText two.' }),
      lesson({ id: 'b', kind: 'VIDEO', transcriptVtt: 'WEBVTT\n\n00:00.000 --> 00:05.000\nHello.' }),
    );
    expect(chunkCourse(content).map((c) => c.id)).toEqual(['a:0', 'a:1', 'b:0']);
    expect(chunkCourse(content)).toEqual(chunkCourse(content));
  });
});
