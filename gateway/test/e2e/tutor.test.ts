/**
 * The AI tutor end to end through the gateway on embedded defaults (the offline tutor, the
 * in-process vector index, in-memory pub/sub): a learner asks about a seeded course and receives
 * the answer token by token over `tutorReply`, with citations that point at the right lesson; the
 * quiz guard, access rules, conversations, ratings, rate limits, re-indexing on a catalog change,
 * and the instructor's quiz drafts and lesson summaries.
 */
import { demoCourses } from '@learncraft/catalog/src/seed/demoCatalog';
import { connect, type TestClient } from './wsClient';
import { startPlatform, type Platform } from './platform';

const ASK = /* GraphQL */ `
  mutation ($input: TutorAskInput!) {
    tutorAsk(input: $input) {
      conversation {
        id
        title
        course {
          id
          title
        }
      }
      question {
        id
        role
        content
        status
      }
      message {
        id
        role
        kind
        status
        content
        offline
      }
      userErrors {
        code
        field
      }
    }
  }
`;
const REPLY = /* GraphQL */ `
  subscription ($id: ID!) {
    tutorReply(messageId: $id) {
      delta
      done
      message {
        id
        status
        content
        offline
        error {
          code
          message
        }
        citations {
          lesson {
            id
            title
          }
          source
          heading
          snippet
          startSeconds
        }
      }
    }
  }
`;

interface Citation {
  lesson: { id: string; title: string };
  source: string;
  heading: string | null;
  snippet: string;
  startSeconds: number | null;
}
interface FinalMessage {
  id: string;
  status: string;
  content: string;
  offline: boolean;
  error: { code: string; message: string } | null;
  citations: Citation[];
}

let platform: Platform;
let users = 0;

beforeAll(async () => {
  platform = await startPlatform({ aiEnv: { AI_REQUESTS_PER_MINUTE: '6' } });
  await waitForIndex();
}, 120_000);
afterAll(async () => {
  await platform?.close();
});

/** The start-up indexing of the seeded catalog runs in the background; tests wait for it. */
async function waitForIndex() {
  const deadline = Date.now() + 60_000;
  while (!platform.ai.indexer.ready) {
    if (Date.now() > deadline) throw new Error('the tutor index was not built within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function gql<T = any>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const result = await platform.graphql<T>(query, variables, token);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

/** A fresh learner (each test its own, so rate limits and conversations do not mix). */
async function newLearner(): Promise<string> {
  users += 1;
  const email = `tutor-learner-${users}@example.com`;
  await gql(`mutation ($input: UserRegisterInput!) { userRegister(input: $input) { userErrors { code } } }`, {
    input: { email, password: 'a-long-enough-pass', displayName: `Learner ${users}` },
  });
  return platform.login(email, 'a-long-enough-pass');
}

interface CourseOutline {
  id: string;
  lessons: { id: string; title: string; kind: string }[];
}

async function outline(slug: string): Promise<CourseOutline> {
  const { course } = await gql<{ course: { id: string; modules: { lessons: CourseOutline['lessons'] }[] } }>(
    `query ($slug: String!) { course(slug: $slug) { id modules { lessons { id title kind } } } }`,
    { slug },
  );
  return { id: course.id, lessons: course.modules.flatMap((module) => module.lessons) };
}

const lessonNamed = (course: CourseOutline, title: string) => {
  const lesson = course.lessons.find((candidate) => candidate.title === title);
  if (!lesson) throw new Error(`no lesson "${title}"`);
  return lesson;
};

async function enrol(token: string, courseId: string) {
  const { courseEnroll } = await gql<{ courseEnroll: { userErrors: unknown[] } }>(
    `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }`,
    { id: courseId },
    token,
  );
  expect(courseEnroll.userErrors).toEqual([]);
}

/** Follows a reply to its end: every delta in order, then the final message. */
async function follow(token: string, messageId: string) {
  const client: TestClient = connect(platform.gateway.url, token);
  try {
    const subscription = client.subscribe(REPLY, { id: messageId });
    const deltas: string[] = [];
    for (;;) {
      const event = await subscription.next(30_000);
      if (event.errors) return { deltas, errors: event.errors, final: null };
      const reply = event.data!.tutorReply as { delta: string; done: boolean; message: FinalMessage | null };
      if (!reply.done) {
        expect(reply.message).toBeNull();
        deltas.push(reply.delta);
        continue;
      }
      expect(reply.delta).toBe('');
      expect(await subscription.ended).toBe('complete');
      return { deltas, errors: null, final: reply.message! };
    }
  } finally {
    await client.dispose();
  }
}

async function ask(token: string, input: Record<string, unknown>) {
  const { tutorAsk } = await gql<{ tutorAsk: any }>(ASK, { input }, token);
  return tutorAsk;
}

describe('the tutor, offline, through the gateway', () => {
  it('answers "what is a pod?" in the Kubernetes course token by token, citing the lesson that explains Pods', async () => {
    const token = await newLearner();
    const kubernetes = await outline('kubernetes-basics');
    await enrol(token, kubernetes.id);
    const asked = await ask(token, { courseId: kubernetes.id, question: 'What is a pod?' });
    expect(asked.userErrors).toEqual([]);
    expect(asked.question).toEqual({
      id: expect.any(String),
      role: 'LEARNER',
      content: 'What is a pod?',
      status: 'COMPLETE',
    });
    expect(asked.message).toEqual({
      id: expect.any(String),
      role: 'TUTOR',
      kind: 'ANSWER',
      status: 'PENDING',
      content: '',
      offline: true,
    });
    expect(asked.conversation.title).toBe('What is a pod?');
    expect(asked.conversation.course).toEqual({ id: kubernetes.id, title: 'Kubernetes Basics' });

    const { deltas, final } = await follow(token, asked.message.id);
    expect(deltas.length).toBeGreaterThan(1);
    expect(final).not.toBeNull();
    expect(final!.status).toBe('COMPLETE');
    expect(final!.offline).toBe(true);
    expect(final!.error).toBeNull();
    expect(deltas.join('')).toBe(final!.content);
    expect(final!.content).toMatch(/offline/i);
    expect(final!.content).toMatch(/pod/i);
    const pods = lessonNamed(kubernetes, 'Pods and Containers');
    expect(final!.citations[0]!.lesson).toEqual({ id: pods.id, title: 'Pods and Containers' });
    expect(final!.citations[0]!.source).toBe('TRANSCRIPT');
    expect(final!.citations[0]!.startSeconds).toEqual(expect.any(Number));
    expect(final!.citations[0]!.snippet.length).toBeLessThanOrEqual(300);

    // A reply that has finished yields only its final event.
    const again = await follow(token, asked.message.id);
    expect(again.deltas).toEqual([]);
    expect(again.final).toEqual(final);
  });

  it('keeps a conversation: a follow-up joins it, and both exchanges are listed in order', async () => {
    const token = await newLearner();
    const kubernetes = await outline('kubernetes-basics');
    await enrol(token, kubernetes.id);
    const first = await ask(token, { courseId: kubernetes.id, question: 'What does a Deployment do?' });
    await follow(token, first.message.id);
    const second = await ask(token, {
      courseId: kubernetes.id,
      question: 'And how does a Service find its Pods?',
      conversationId: first.conversation.id,
    });
    expect(second.conversation.id).toBe(first.conversation.id);
    await follow(token, second.message.id);
    const { me } = await gql<{ me: any }>(
      `query ($course: ID) { me { tutorConversations(first: 5, courseId: $course) { totalCount edges { node { id title messages(first: 10) { totalCount edges { node { role content status } } } } } } } }`,
      { course: kubernetes.id },
      token,
    );
    expect(me.tutorConversations.totalCount).toBe(1);
    const conversation = me.tutorConversations.edges[0].node;
    expect(conversation.title).toBe('What does a Deployment do?');
    expect(conversation.messages.totalCount).toBe(4);
    expect(conversation.messages.edges.map((edge: any) => [edge.node.role, edge.node.status])).toEqual([
      ['LEARNER', 'COMPLETE'],
      ['TUTOR', 'COMPLETE'],
      ['LEARNER', 'COMPLETE'],
      ['TUTOR', 'COMPLETE'],
    ]);
    expect(conversation.messages.edges[2].node.content).toBe('And how does a Service find its Pods?');
  });

  it('refuses learners who are not enrolled, bad questions and strangers, and stores nothing for them', async () => {
    const token = await newLearner();
    const kubernetes = await outline('kubernetes-basics');
    const notEnrolled = await ask(token, { courseId: kubernetes.id, question: 'What is a pod?' });
    expect(notEnrolled).toEqual({
      conversation: null,
      question: null,
      message: null,
      userErrors: [{ code: 'NOT_ENROLLED', field: ['input', 'courseId'] }],
    });
    await enrol(token, kubernetes.id);
    expect((await ask(token, { courseId: kubernetes.id, question: '   ' })).userErrors).toEqual([
      { code: 'QUESTION_EMPTY', field: ['input', 'question'] },
    ]);
    expect((await ask(token, { courseId: kubernetes.id, question: 'x'.repeat(2_001) })).userErrors).toEqual([
      { code: 'QUESTION_TOO_LONG', field: ['input', 'question'] },
    ]);
    const docker = await outline('docker-for-developers');
    expect(
      (await ask(token, { courseId: kubernetes.id, question: 'Why?', lessonId: docker.lessons[0]!.id }))
        .userErrors,
    ).toEqual([{ code: 'LESSON_NOT_IN_COURSE', field: ['input', 'lessonId'] }]);
    const { me } = await gql<{ me: any }>(`{ me { tutorConversations { totalCount } } }`, {}, token);
    expect(me.tutorConversations.totalCount).toBe(0);

    const anonymous = await platform.graphql(ASK, { input: { courseId: kubernetes.id, question: 'Hi' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await platform.graphql(
      ASK,
      { input: { courseId: '00000000-0000-4000-8000-000000000000', question: 'Hi' } },
      token,
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // Someone else's reply cannot be followed or rated.
    const asked = await ask(token, { courseId: kubernetes.id, question: 'What is a node?' });
    const stranger = await newLearner();
    const followed = await follow(stranger, asked.message.id);
    expect(followed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const rated = await platform.graphql(
      `mutation ($id: ID!) { tutorMessageRate(input: { messageId: $id, helpful: true }) { userErrors { code } } }`,
      { id: asked.message.id },
      stranger,
    );
    expect(rated.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('does not give away quiz answers before the learner passes, and explains them after', async () => {
    const token = await newLearner();
    const kubernetes = await outline('kubernetes-basics');
    await enrol(token, kubernetes.id);
    const quiz = lessonNamed(kubernetes, 'Check Your Understanding: Clusters and Workloads');
    const question =
      'What is the correct answer to the quiz question "Which component stores the complete state of a Kubernetes cluster?"';
    const before = await follow(
      token,
      (await ask(token, { courseId: kubernetes.id, lessonId: quiz.id, question })).message.id,
    );
    expect(before.final!.status).toBe('COMPLETE');
    expect(before.final!.content).not.toMatch(/etcd/i);
    expect(before.final!.citations.map((citation) => citation.source)).not.toContain('QUIZ');

    await passQuiz(token, quiz.id);
    const after = await follow(
      token,
      (await ask(token, { courseId: kubernetes.id, lessonId: quiz.id, question })).message.id,
    );
    expect(after.final!.status).toBe('COMPLETE');
    expect(after.final!.content).toMatch(/etcd/i);
  });

  it('takes feedback on a finished reply, and only on a reply', async () => {
    const token = await newLearner();
    const kubernetes = await outline('kubernetes-basics');
    await enrol(token, kubernetes.id);
    const asked = await ask(token, { courseId: kubernetes.id, question: 'What is kubectl?' });
    await follow(token, asked.message.id);
    const rate = `mutation ($input: TutorMessageRateInput!) { tutorMessageRate(input: $input) { message { id rating { helpful comment } } userErrors { code field } } }`;
    const rated = await gql<{ tutorMessageRate: any }>(
      rate,
      { input: { messageId: asked.message.id, helpful: false, comment: 'Too short' } },
      token,
    );
    expect(rated.tutorMessageRate).toEqual({
      message: { id: asked.message.id, rating: { helpful: false, comment: 'Too short' } },
      userErrors: [],
    });
    const onQuestion = await gql<{ tutorMessageRate: any }>(
      rate,
      { input: { messageId: asked.question.id, helpful: true } },
      token,
    );
    expect(onQuestion.tutorMessageRate.userErrors).toEqual([
      { code: 'NOT_A_REPLY', field: ['input', 'messageId'] },
    ]);
    const tooLong = await gql<{ tutorMessageRate: any }>(
      rate,
      { input: { messageId: asked.message.id, helpful: true, comment: 'x'.repeat(1_001) } },
      token,
    );
    expect(tooLong.tutorMessageRate.userErrors).toEqual([
      { code: 'COMMENT_TOO_LONG', field: ['input', 'comment'] },
    ]);
  });

  it('limits how often one learner asks, with the seconds to wait', async () => {
    const token = await newLearner();
    const kubernetes = await outline('kubernetes-basics');
    await enrol(token, kubernetes.id);
    for (let i = 0; i < 6; i += 1) {
      expect(
        (await ask(token, { courseId: kubernetes.id, question: `Question number ${i}?` })).userErrors,
      ).toEqual([]);
    }
    const refused = await platform.graphql(
      ASK,
      { input: { courseId: kubernetes.id, question: 'One more?' } },
      token,
    );
    expect(refused.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
      reason: 'REQUEST_RATE',
      serviceName: 'ai',
    });
    expect(refused.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.errors![0]!.extensions!.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('re-indexes a course when the catalog publishes a change, with no polling', async () => {
    const instructor = await platform.login('instructor@learncraft.dev', 'instructor-demo-pass');
    const kubernetes = await outline('kubernetes-basics');
    const reading = lessonNamed(kubernetes, 'Cluster Architecture');
    const updated = await gql<{ lessonUpdate: { userErrors: unknown[] } }>(
      `mutation ($input: LessonUpdateInput!) { lessonUpdate(input: $input) { userErrors { code field } } }`,
      {
        input: {
          lessonId: reading.id,
          reading: {
            markdown:
              '# Cluster Architecture\n\n## The flux capacitor\n\nThe flux capacitor is the imaginary component that synchronises every kubelet clock in a cluster.',
          },
        },
      },
      instructor,
    );
    expect(updated.lessonUpdate.userErrors).toEqual([]);
    const token = await newLearner();
    await enrol(token, kubernetes.id);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { final } = await follow(
        token,
        (await ask(token, { courseId: kubernetes.id, question: 'What does the flux capacitor synchronise?' }))
          .message.id,
      );
      if (final!.citations[0]?.lesson.id === reading.id) {
        expect(final!.content).toMatch(/kubelet clock/);
        break;
      }
      if (Date.now() > deadline) throw new Error(`the change was not indexed: ${JSON.stringify(final)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
});

describe("the tutor's help for instructors", () => {
  it('drafts quiz questions that only reach the quiz when the instructor accepts them, edited', async () => {
    const instructor = await platform.login('instructor@learncraft.dev', 'instructor-demo-pass');
    const learner = await newLearner();
    const docker = await outline('docker-for-developers');
    const quiz = lessonNamed(docker, 'Check Your Understanding: Building Images');
    const generate = `mutation ($input: QuizDraftGenerateInput!) { quizDraftGenerate(input: $input) { draft { id status offline lesson { id } questions { id prompt multiple options { label correct } explanation sourceLesson { id } } } userErrors { code field } } }`;

    const forbidden = await platform.graphql(generate, { input: { lessonId: quiz.id, count: 3 } }, learner);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outOfRange = await gql<{ quizDraftGenerate: any }>(
      generate,
      { input: { lessonId: quiz.id, count: 11 } },
      instructor,
    );
    expect(outOfRange.quizDraftGenerate.userErrors).toEqual([
      { code: 'COUNT_OUT_OF_RANGE', field: ['input', 'count'] },
    ]);
    const notQuiz = await gql<{ quizDraftGenerate: any }>(
      generate,
      { input: { lessonId: lessonNamed(docker, 'Multi-Stage Builds').id, count: 2 } },
      instructor,
    );
    expect(notQuiz.quizDraftGenerate.userErrors).toEqual([
      { code: 'NOT_A_QUIZ', field: ['input', 'lessonId'] },
    ]);

    const { quizDraftGenerate } = await gql<{ quizDraftGenerate: any }>(
      generate,
      { input: { lessonId: quiz.id, count: 3 } },
      instructor,
    );
    expect(quizDraftGenerate.userErrors).toEqual([]);
    const draft = quizDraftGenerate.draft;
    expect(draft).toMatchObject({ status: 'PENDING', offline: true, lesson: { id: quiz.id } });
    expect(draft.questions).toHaveLength(3);
    const moduleLessons = new Set(docker.lessons.map((lesson) => lesson.id));
    for (const question of draft.questions) {
      expect(question.options.filter((option: any) => option.correct)).toHaveLength(1);
      expect(new Set(question.options.map((option: any) => option.label)).size).toBe(question.options.length);
      expect(moduleLessons.has(question.sourceLesson.id)).toBe(true);
    }

    const quizQuestions = async () => {
      const { course } = await gql<{ course: any }>(
        `query ($slug: String!, $id: ID!) { course(slug: $slug) { lesson(id: $id) { content { ... on QuizContent { questions { prompt } } } } } }`,
        { slug: 'docker-for-developers', id: quiz.id },
        instructor,
      );
      return course.lesson.content.questions.map(
        (question: { prompt: string }) => question.prompt,
      ) as string[];
    };
    const before = await quizQuestions();
    const [first, second] = draft.questions;
    const accept = `mutation ($input: QuizDraftAcceptInput!) { quizDraftAccept(input: $input) { draft { id status } lesson { id } userErrors { code field } } }`;
    const edited = { ...first, prompt: `${first.prompt} (edited)` };
    const toInput = ({ id, prompt, multiple, options, explanation }: any) => ({
      id,
      prompt,
      multiple,
      options,
      explanation,
    });
    const unknownQuestion = await gql<{ quizDraftAccept: any }>(
      accept,
      { input: { draftId: draft.id, questions: [{ ...toInput(first), id: 'q99' }] } },
      instructor,
    );
    expect(unknownQuestion.quizDraftAccept.userErrors).toEqual([
      { code: 'UNKNOWN_QUESTION', field: ['input', 'questions', '0', 'id'] },
    ]);
    const accepted = await gql<{ quizDraftAccept: any }>(
      accept,
      { input: { draftId: draft.id, questions: [toInput(edited), toInput(second)] } },
      instructor,
    );
    expect(accepted.quizDraftAccept).toEqual({
      draft: { id: draft.id, status: 'ACCEPTED' },
      lesson: { id: quiz.id },
      userErrors: [],
    });
    expect(await quizQuestions()).toEqual([...before, edited.prompt, second.prompt]);
    const twice = await gql<{ quizDraftAccept: any }>(
      accept,
      { input: { draftId: draft.id, questions: [toInput(second)] } },
      instructor,
    );
    expect(twice.quizDraftAccept.userErrors).toEqual([
      { code: 'DRAFT_NOT_PENDING', field: ['input', 'draftId'] },
    ]);
    const listed = await gql<{ quizDrafts: any[] }>(
      `query ($id: ID!) { quizDrafts(lessonId: $id) { id status } }`,
      { id: quiz.id },
      instructor,
    );
    expect(listed.quizDrafts).toEqual([{ id: draft.id, status: 'ACCEPTED' }]);
  });

  it("summarises a lesson for learners to read, at an instructor's request", async () => {
    const instructor = await platform.login('instructor@learncraft.dev', 'instructor-demo-pass');
    const learner = await newLearner();
    const docker = await outline('docker-for-developers');
    const reading = lessonNamed(docker, 'Multi-Stage Builds');
    await enrol(learner, docker.id);
    const summarize = `mutation ($id: ID!) { lessonSummarize(input: { lessonId: $id }) { lesson { id summary { summary keyPoints offline } } userErrors { code } } }`;
    expect(
      (await platform.graphql(summarize, { id: reading.id }, learner)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    const { lessonSummarize } = await gql<{ lessonSummarize: any }>(
      summarize,
      { id: reading.id },
      instructor,
    );
    expect(lessonSummarize.userErrors).toEqual([]);
    expect(lessonSummarize.lesson.summary.offline).toBe(true);
    expect(lessonSummarize.lesson.summary.keyPoints.length).toBeGreaterThanOrEqual(3);
    expect(lessonSummarize.lesson.summary.keyPoints.length).toBeLessThanOrEqual(6);
    const seen = await gql<{ course: any }>(
      `query ($slug: String!, $id: ID!) { course(slug: $slug) { lesson(id: $id) { summary { summary keyPoints } } } }`,
      { slug: 'docker-for-developers', id: reading.id },
      learner,
    );
    expect(seen.course.lesson.summary).toEqual({
      summary: lessonSummarize.lesson.summary.summary,
      keyPoints: lessonSummarize.lesson.summary.keyPoints,
    });
  });
});

/** Passes a Kubernetes quiz with the seed's answer key. */
async function passQuiz(token: string, quizId: string) {
  const source = demoCourses
    .find((course) => course.slug === 'kubernetes-basics')!
    .modules.flatMap((module) => module.lessons)
    .find((lesson) => lesson.kind === 'QUIZ')!.quiz!;
  const { course } = await gql<{ course: any }>(
    `query ($id: ID!) { course(slug: "kubernetes-basics") { lesson(id: $id) { content { ... on QuizContent { questions { id prompt options { id label } } } } } } }`,
    { id: quizId },
    token,
  );
  const answers = course.lesson.content.questions.map((question: any) => {
    const key = source.questions.find((candidate) => candidate.prompt === question.prompt)!;
    const labels = key.options
      .filter((option) => key.correctOptionKeys.includes(option.key))
      .map((option) => option.label);
    return {
      questionId: question.id,
      optionIds: question.options
        .filter((option: any) => labels.includes(option.label))
        .map((option: any) => option.id),
    };
  });
  const { quizSubmit } = await gql<{ quizSubmit: any }>(
    `mutation ($input: QuizSubmitInput!) { quizSubmit(input: $input) { attempt { passed } userErrors { code } } }`,
    { input: { lessonId: quizId, answers } },
    token,
  );
  expect(quizSubmit).toEqual({ attempt: { passed: true }, userErrors: [] });
}
