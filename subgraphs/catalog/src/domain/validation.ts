/**
 * Validation of authoring inputs. Every check runs before anything is written and reports all
 * problems at once as `UserError`s whose `field` is the path into the mutation's arguments
 * (e.g. ["input", "quiz", "questions", "0", "options"]).
 */
import { userError, type UserError } from '@learncraft/kit';
import {
  COURSE_LEVELS,
  LAB_PROFILES,
  type CourseLevel,
  type LabProfile,
  type LabContent,
  type LessonContent,
  type LessonKind,
  type QuizContent,
} from './course';
import { CatalogErrorCode as Code, LIMITS } from './limits';

type Maybe<T> = T | null | undefined;
type Path = (string | number)[];

export interface CourseFieldsInput {
  title?: Maybe<string>;
  slug?: Maybe<string>;
  summary?: Maybe<string>;
  description?: Maybe<string>;
  level?: Maybe<CourseLevel>;
  categorySlug?: Maybe<string>;
  language?: Maybe<string>;
  thumbnailUrl?: Maybe<string>;
}

export interface VideoInput {
  url: string;
  durationSeconds: number;
  transcriptVtt?: Maybe<string>;
}
export interface ReadingInput {
  markdown: string;
}
/** `id`s name existing questions, options and steps to keep (see checkContentIds). */
export interface QuizInput {
  passPercent: number;
  /** Null or absent: unlimited. */
  maxAttempts?: Maybe<number>;
  /** Absent: 0. */
  cooldownSeconds?: Maybe<number>;
  questions: {
    id?: Maybe<string>;
    prompt: string;
    multiple: boolean;
    options: { id?: Maybe<string>; label: string; correct: boolean }[];
    explanation?: Maybe<string>;
  }[];
}
export interface LabInput {
  image: string;
  /** Absent: derived from the image (profileFromImage). */
  profile?: Maybe<LabProfile>;
  instructions: string;
  timeLimitMinutes: number;
  /** Absent: DEFAULT_LAB_IDLE_TIMEOUT_MINUTES. */
  idleTimeoutMinutes?: Maybe<number>;
  /** Absent or blank: none. */
  setupScript?: Maybe<string>;
  steps: {
    id?: Maybe<string>;
    title: string;
    instructions: string;
    checkCommand: string;
    hint?: Maybe<string>;
  }[];
}

/** The content arguments shared by lessonCreate and lessonUpdate. */
export interface LessonContentInput {
  video?: Maybe<VideoInput>;
  reading?: Maybe<ReadingInput>;
  quiz?: Maybe<QuizInput>;
  lab?: Maybe<LabInput>;
}

const CONTENT_FIELD: Record<LessonKind, keyof LessonContentInput> = {
  VIDEO: 'video',
  READING: 'reading',
  QUIZ: 'quiz',
  LAB: 'lab',
};

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LANGUAGE = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/;
const IMAGE = /^[a-z0-9][a-z0-9._/:@-]*$/i;

/** Collects problems; each check is skipped for absent optional values. */
export class Checker {
  readonly errors: UserError[] = [];

  private fail(code: Code, message: string, path: Path) {
    this.errors.push(userError(code, message, path.map(String)));
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** Required single-line text: trimmed, non-blank, at most `max` characters. */
  text(path: Path, value: string, max: number, label: string) {
    if (value.length > max)
      return this.fail(Code.TOO_LONG, `${label} must be at most ${max} characters.`, path);
    if (value.trim() === '') this.fail(Code.REQUIRED, `${label} must not be blank.`, path);
  }

  /** Free text that may be empty (summaries, Markdown bodies). */
  longText(path: Path, value: string, max: number, label: string) {
    if (value.length > max) this.fail(Code.TOO_LONG, `${label} must be at most ${max} characters.`, path);
  }

  int(path: Path, value: number, min: number, max: number, label: string) {
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(Code.OUT_OF_RANGE, `${label} must be a whole number from ${min} to ${max}.`, path);
    }
  }

  count(path: Path, length: number, max: number, label: string) {
    if (length > max) this.fail(Code.TOO_MANY, `At most ${max} ${label} are allowed.`, path);
  }

  httpUrl(path: Path, value: string, label: string) {
    if (value.length > LIMITS.url)
      return this.fail(Code.TOO_LONG, `${label} must be at most ${LIMITS.url} characters.`, path);
    if (!isHttpUrl(value)) this.fail(Code.INVALID_URL, `${label} must be an http(s) URL.`, path);
  }

  /** An absolute http(s) URL, or a root-relative path ("/media/x.svg") served by the web app. */
  assetUrl(path: Path, value: string, label: string) {
    if (value.length > LIMITS.url)
      return this.fail(Code.TOO_LONG, `${label} must be at most ${LIMITS.url} characters.`, path);
    const rootRelative = /^\/(?!\/)\S*$/.test(value);
    if (!rootRelative && !isHttpUrl(value)) {
      this.fail(Code.INVALID_URL, `${label} must be an http(s) URL or a path starting with "/".`, path);
    }
  }

  slug(path: Path, value: string) {
    if (value.length > LIMITS.slug)
      return this.fail(Code.TOO_LONG, `The slug must be at most ${LIMITS.slug} characters.`, path);
    if (!SLUG.test(value)) {
      this.fail(
        Code.INVALID_SLUG,
        'The slug may contain only lowercase letters, digits and single hyphens.',
        path,
      );
    }
  }

  language(path: Path, value: string) {
    if (value.length > LIMITS.language || !LANGUAGE.test(value)) {
      this.fail(Code.INVALID_LANGUAGE, 'The language must be a BCP-47 tag such as "en" or "pt-BR".', path);
    }
  }

  add(error: UserError) {
    this.errors.push(error);
  }

  raw(code: Code, message: string, path: Path) {
    this.fail(code, message, path);
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checks the course fields present in `input` (create passes all required ones). */
export function checkCourseFields(check: Checker, input: CourseFieldsInput) {
  const at = (field: string): Path => ['input', field];
  if (input.title != null) check.text(at('title'), input.title, LIMITS.title, 'The title');
  if (input.slug != null) check.slug(at('slug'), input.slug);
  if (input.summary != null) check.longText(at('summary'), input.summary, LIMITS.summary, 'The summary');
  if (input.description != null)
    check.longText(at('description'), input.description, LIMITS.markdown, 'The description');
  if (input.level != null && !COURSE_LEVELS.includes(input.level)) {
    check.raw(Code.OUT_OF_RANGE, 'Unknown course level.', at('level'));
  }
  if (input.categorySlug != null)
    check.text(at('categorySlug'), input.categorySlug, LIMITS.slug, 'The category');
  if (input.language != null) check.language(at('language'), input.language);
  if (input.thumbnailUrl != null) check.assetUrl(at('thumbnailUrl'), input.thumbnailUrl, 'The thumbnail URL');
}

export function checkModuleFields(check: Checker, input: { title?: Maybe<string>; summary?: Maybe<string> }) {
  if (input.title != null) check.text(['input', 'title'], input.title, LIMITS.title, 'The title');
  if (input.summary != null)
    check.longText(['input', 'summary'], input.summary, LIMITS.summary, 'The summary');
}

/**
 * Checks that the content given matches `kind`: on create the matching content is required, on
 * update it is optional; content for any other kind is always an error.
 */
export function checkLessonContent(
  check: Checker,
  kind: LessonKind,
  input: LessonContentInput,
  required: boolean,
) {
  const expected = CONTENT_FIELD[kind];
  for (const field of Object.values(CONTENT_FIELD)) {
    if (field !== expected && input[field] != null) {
      check.raw(Code.CONTENT_MISMATCH, `A ${kind} lesson takes "${expected}" content, not "${field}".`, [
        'input',
        field,
      ]);
    }
  }
  const path: Path = ['input', expected];
  if (input[expected] == null) {
    if (required) check.raw(Code.CONTENT_REQUIRED, `A ${kind} lesson needs "${expected}" content.`, path);
    return;
  }
  if (input.video) checkVideo(check, input.video, path);
  if (input.reading)
    check.longText([...path, 'markdown'], input.reading.markdown, LIMITS.markdown, 'The reading');
  if (input.quiz) checkQuiz(check, input.quiz, path);
  if (input.lab) checkLab(check, input.lab, path);
}

function checkVideo(check: Checker, video: VideoInput, path: Path) {
  check.httpUrl([...path, 'url'], video.url, 'The video URL');
  check.int(
    [...path, 'durationSeconds'],
    video.durationSeconds,
    1,
    LIMITS.lessonDurationSeconds,
    'The video duration',
  );
  if (video.transcriptVtt != null) {
    const at = [...path, 'transcriptVtt'];
    if (video.transcriptVtt.length > LIMITS.transcript) {
      check.raw(Code.TOO_LONG, `The transcript must be at most ${LIMITS.transcript} characters.`, at);
    } else if (!/^(\uFEFF)?WEBVTT(?:[ \t\r\n]|$)/.test(video.transcriptVtt)) {
      check.raw(Code.INVALID_TRANSCRIPT, 'The transcript must be a WebVTT file starting with "WEBVTT".', at);
    }
  }
}

function checkQuiz(check: Checker, quiz: QuizInput, path: Path) {
  check.int([...path, 'passPercent'], quiz.passPercent, 0, 100, 'The pass mark');
  if (quiz.maxAttempts != null) {
    check.int([...path, 'maxAttempts'], quiz.maxAttempts, 1, LIMITS.quizMaxAttempts, 'The attempt limit');
  }
  if (quiz.cooldownSeconds != null) {
    check.int(
      [...path, 'cooldownSeconds'],
      quiz.cooldownSeconds,
      0,
      LIMITS.quizCooldownSeconds,
      'The cool-down',
    );
  }
  const questionsPath = [...path, 'questions'];
  if (quiz.questions.length === 0)
    check.raw(Code.REQUIRED, 'A quiz needs at least one question.', questionsPath);
  check.count(questionsPath, quiz.questions.length, LIMITS.questionsPerQuiz, 'questions');
  if (quiz.questions.length > LIMITS.questionsPerQuiz) return;
  quiz.questions.forEach((question, index) => {
    const at = [...questionsPath, index];
    check.text([...at, 'prompt'], question.prompt, LIMITS.prompt, 'The prompt');
    if (question.explanation != null) {
      check.longText([...at, 'explanation'], question.explanation, LIMITS.explanation, 'The explanation');
    }
    const optionsPath = [...at, 'options'];
    const options = question.options;
    if (options.length < 2) {
      check.raw(Code.QUIZ_TOO_FEW_OPTIONS, 'A question needs at least two options.', optionsPath);
    }
    check.count(optionsPath, options.length, LIMITS.optionsPerQuestion, 'options');
    options.forEach((option, optionIndex) =>
      check.text(
        [...optionsPath, optionIndex, 'label'],
        option.label,
        LIMITS.optionLabel,
        'The option label',
      ),
    );
    const correct = options.filter((option) => option.correct).length;
    if (correct === 0) {
      check.raw(Code.QUIZ_NO_CORRECT_OPTION, 'A question needs at least one correct option.', optionsPath);
    } else if (!question.multiple && correct !== 1) {
      check.raw(
        Code.QUIZ_SINGLE_CHOICE_NEEDS_ONE_CORRECT,
        'A single-choice question needs exactly one correct option.',
        optionsPath,
      );
    }
  });
}

function checkLab(check: Checker, lab: LabInput, path: Path) {
  const imagePath = [...path, 'image'];
  if (lab.image.length > LIMITS.labImage) {
    check.raw(Code.TOO_LONG, `The image must be at most ${LIMITS.labImage} characters.`, imagePath);
  } else if (!IMAGE.test(lab.image)) {
    check.raw(
      Code.INVALID_IMAGE,
      'The image must be a container image reference such as "learncraft/node:20".',
      imagePath,
    );
  }
  check.longText([...path, 'instructions'], lab.instructions, LIMITS.markdown, 'The instructions');
  check.int(
    [...path, 'timeLimitMinutes'],
    lab.timeLimitMinutes,
    LIMITS.labMinutes.min,
    LIMITS.labMinutes.max,
    'The time limit',
  );
  if (lab.profile != null && !LAB_PROFILES.includes(lab.profile)) {
    check.raw(Code.OUT_OF_RANGE, 'Unknown lab profile.', [...path, 'profile']);
  }
  if (lab.idleTimeoutMinutes != null) {
    check.int(
      [...path, 'idleTimeoutMinutes'],
      lab.idleTimeoutMinutes,
      LIMITS.labIdleMinutes.min,
      LIMITS.labIdleMinutes.max,
      'The idle timeout',
    );
  }
  if (lab.setupScript != null) {
    check.longText([...path, 'setupScript'], lab.setupScript, LIMITS.setupScript, 'The setup script');
  }
  const stepsPath = [...path, 'steps'];
  if (lab.steps.length === 0) check.raw(Code.REQUIRED, 'A lab needs at least one step.', stepsPath);
  check.count(stepsPath, lab.steps.length, LIMITS.labStepsPerLab, 'steps');
  if (lab.steps.length > LIMITS.labStepsPerLab) return;
  lab.steps.forEach((step, index) => {
    const at = [...stepsPath, index];
    check.text([...at, 'title'], step.title, LIMITS.title, 'The step title');
    check.longText(
      [...at, 'instructions'],
      step.instructions,
      LIMITS.labStepInstructions,
      'The step instructions',
    );
    check.text([...at, 'checkCommand'], step.checkCommand, LIMITS.checkCommand, 'The check command');
    if (step.hint != null) check.longText([...at, 'hint'], step.hint, LIMITS.hint, 'The hint');
  });
}

/**
 * Checks the ids an author passes back to keep quiz questions, quiz options and lab steps. They
 * must stay stable because progress stores graded attempts (and lab runs) by these ids; an edit
 * that renewed them would orphan every attempt. An id must name an item of the lesson's current
 * content (an option id: an option of the question named by the same entry, since an answer is
 * graded per question) and appear at most once. A new lesson (`current` null) has nothing to
 * keep, so every id it is given is UNKNOWN_ID. Content for another kind is left to
 * checkLessonContent.
 */
export function checkContentIds(
  check: Checker,
  kind: LessonKind,
  input: LessonContentInput,
  current: LessonContent | null,
) {
  if (kind === 'QUIZ' && input.quiz) {
    checkQuizIds(check, input.quiz, current?.kind === 'QUIZ' ? current : null, ['input', 'quiz']);
  }
  if (kind === 'LAB' && input.lab) {
    checkLabIds(check, input.lab, current?.kind === 'LAB' ? current : null, ['input', 'lab']);
  }
}

function checkQuizIds(check: Checker, quiz: QuizInput, current: QuizContent | null, path: Path) {
  // Oversized lists are already TOO_MANY; their ids are not worth reporting one by one.
  if (quiz.questions.length > LIMITS.questionsPerQuiz) return;
  const questions = new Map(current?.questions.map((question) => [question.id, question]));
  const seenQuestions = new Set<string>();
  const seenOptions = new Set<string>();
  quiz.questions.forEach((question, index) => {
    const at = [...path, 'questions', index];
    const kept = question.id != null ? questions.get(question.id) : undefined;
    if (question.id != null) {
      checkKeptId(check, [...at, 'id'], question.id, seenQuestions, kept !== undefined, {
        unknown: current
          ? 'This id is not one of the quiz\'s questions; leave out "id" to add a new question.'
          : 'A new lesson has no questions to keep; leave out "id".',
        duplicate: 'This question id is given more than once.',
      });
    }
    if (question.options.length > LIMITS.optionsPerQuestion) return;
    const options = new Set(kept?.options.map((option) => option.id));
    question.options.forEach((option, optionIndex) => {
      if (option.id == null) return;
      checkKeptId(
        check,
        [...at, 'options', optionIndex, 'id'],
        option.id,
        seenOptions,
        options.has(option.id),
        {
          unknown: kept
            ? 'This id is not one of the question\'s options; leave out "id" to add a new option.'
            : 'Only options of a kept question (one given by its "id") can keep their ids; leave out "id".',
          duplicate: 'This option id is given more than once.',
        },
      );
    });
  });
}

function checkLabIds(check: Checker, lab: LabInput, current: LabContent | null, path: Path) {
  if (lab.steps.length > LIMITS.labStepsPerLab) return;
  const steps = new Set(current?.steps.map((step) => step.id));
  const seen = new Set<string>();
  lab.steps.forEach((step, index) => {
    if (step.id == null) return;
    checkKeptId(check, [...path, 'steps', index, 'id'], step.id, seen, steps.has(step.id), {
      unknown: current
        ? 'This id is not one of the lab\'s steps; leave out "id" to add a new step.'
        : 'A new lesson has no steps to keep; leave out "id".',
      duplicate: 'This step id is given more than once.',
    });
  });
}

/** A repeat is DUPLICATE_ID (whether or not it is known); otherwise it must belong. */
function checkKeptId(
  check: Checker,
  path: Path,
  id: string,
  seen: Set<string>,
  belongs: boolean,
  messages: { unknown: string; duplicate: string },
) {
  if (seen.has(id)) check.raw(Code.DUPLICATE_ID, messages.duplicate, path);
  else if (!belongs) check.raw(Code.UNKNOWN_ID, messages.unknown, path);
  seen.add(id);
}
