/** Size limits for authored content; every input is checked against them before anything is written. */
export const LIMITS = {
  title: 200,
  slug: 100,
  summary: 500,
  markdown: 100_000,
  url: 2_048,
  language: 35,
  transcript: 500_000,
  // Page cost estimates multiply these (see the @listSize annotations in schema.graphql): a course
  // of 500 lessons is far beyond the largest real ones, and keeps a full syllabus affordable.
  modulesPerCourse: 50,
  lessonsPerModule: 50,
  lessonsPerCourse: 500,
  lessonDurationSeconds: 36_000,
  questionsPerQuiz: 100,
  quizMaxAttempts: 100,
  /** A week. */
  quizCooldownSeconds: 604_800,
  prompt: 2_000,
  optionsPerQuestion: 10,
  optionLabel: 500,
  explanation: 5_000,
  labImage: 200,
  labStepsPerLab: 50,
  labStepInstructions: 20_000,
  checkCommand: 2_000,
  hint: 2_000,
  labMinutes: { min: 5, max: 480 },
  labIdleMinutes: { min: 5, max: 120 },
  setupScript: 20_000,
  searchQuery: 200,
} as const;

/** The closed set of `UserError.code`s catalog mutations return. */
export const CatalogErrorCode = {
  REQUIRED: 'REQUIRED',
  TOO_LONG: 'TOO_LONG',
  TOO_MANY: 'TOO_MANY',
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  INVALID_SLUG: 'INVALID_SLUG',
  INVALID_LANGUAGE: 'INVALID_LANGUAGE',
  INVALID_URL: 'INVALID_URL',
  INVALID_TRANSCRIPT: 'INVALID_TRANSCRIPT',
  INVALID_IMAGE: 'INVALID_IMAGE',
  CONTENT_REQUIRED: 'CONTENT_REQUIRED',
  CONTENT_MISMATCH: 'CONTENT_MISMATCH',
  QUIZ_TOO_FEW_OPTIONS: 'QUIZ_TOO_FEW_OPTIONS',
  QUIZ_NO_CORRECT_OPTION: 'QUIZ_NO_CORRECT_OPTION',
  QUIZ_SINGLE_CHOICE_NEEDS_ONE_CORRECT: 'QUIZ_SINGLE_CHOICE_NEEDS_ONE_CORRECT',
  SLUG_TAKEN: 'SLUG_TAKEN',
  CATEGORY_NOT_FOUND: 'CATEGORY_NOT_FOUND',
  COURSE_EMPTY: 'COURSE_EMPTY',
  CONCURRENT_UPDATE: 'CONCURRENT_UPDATE',
  /** An id passed back to keep a question, option or step that the lesson's content does not hold. */
  UNKNOWN_ID: 'UNKNOWN_ID',
  /** The same question, option or step id given twice in one input. */
  DUPLICATE_ID: 'DUPLICATE_ID',
} as const;
export type CatalogErrorCode = (typeof CatalogErrorCode)[keyof typeof CatalogErrorCode];
