-- ai: tutor conversations and their messages (every exchange is kept, with its rating), lab hint
-- counters, quiz drafts awaiting an instructor, and lesson summaries. Courses, lessons, lab sessions
-- and users live elsewhere; their ids are stored as opaque text.

CREATE TABLE ai.conversations (
  id             uuid PRIMARY KEY,
  user_id        text NOT NULL,
  course_id      text NOT NULL,
  lesson_id      text,
  lab_session_id text,
  title          text NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX conversations_user_updated_idx ON ai.conversations (user_id, updated_at DESC, id);
CREATE INDEX conversations_user_course_idx ON ai.conversations (user_id, course_id, updated_at DESC, id);
-- A lab session's hints go into one conversation.
CREATE UNIQUE INDEX conversations_lab_session_idx ON ai.conversations (lab_session_id)
  WHERE lab_session_id IS NOT NULL;

CREATE TABLE ai.messages (
  id              uuid PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES ai.conversations (id) ON DELETE CASCADE,
  user_id         text NOT NULL,
  role            text NOT NULL CHECK (role IN ('LEARNER', 'TUTOR')),
  kind            text NOT NULL CHECK (kind IN ('ANSWER', 'HINT')),
  content         text NOT NULL,
  status          text NOT NULL CHECK (status IN ('PENDING', 'STREAMING', 'COMPLETE', 'FAILED')),
  error_code      text,
  error_message   text,
  -- [{lessonId, source, heading, snippet, startSeconds}]
  citations       jsonb NOT NULL DEFAULT '[]',
  offline         boolean NOT NULL DEFAULT false,
  model           text,
  hint_level      integer CHECK (hint_level BETWEEN 1 AND 3),
  lab_step_id     text,
  prompt_tokens   integer NOT NULL DEFAULT 0,
  completion_tokens integer NOT NULL DEFAULT 0,
  -- Served from the cache of identical questions: no tokens spent.
  cached          boolean NOT NULL DEFAULT false,
  helpful         boolean,
  rating_comment  text,
  rated_at        timestamptz,
  -- Which process writes the reply (a restarted one fails its unfinished replies as INTERRUPTED).
  writer_id       text,
  created_at      timestamptz NOT NULL,
  completed_at    timestamptz
);
CREATE INDEX messages_conversation_idx ON ai.messages (conversation_id, created_at, id);
CREATE INDEX messages_unfinished_idx ON ai.messages (writer_id) WHERE status IN ('PENDING', 'STREAMING');
CREATE INDEX messages_hints_idx ON ai.messages (conversation_id, lab_step_id) WHERE kind = 'HINT' AND role = 'TUTOR';

CREATE TABLE ai.quiz_drafts (
  id          uuid PRIMARY KEY,
  lesson_id   text NOT NULL,
  course_id   text NOT NULL,
  created_by  text NOT NULL,
  status      text NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'DISCARDED')),
  -- [{id, prompt, multiple, options: [{label, correct}], explanation, sourceLessonId}]
  questions   jsonb NOT NULL,
  offline     boolean NOT NULL,
  model       text NOT NULL,
  created_at  timestamptz NOT NULL,
  decided_at  timestamptz,
  decided_by  text
);
CREATE INDEX quiz_drafts_lesson_idx ON ai.quiz_drafts (lesson_id, created_at DESC);

CREATE TABLE ai.lesson_summaries (
  lesson_id    text PRIMARY KEY,
  course_id    text NOT NULL,
  summary      text NOT NULL,
  key_points   jsonb NOT NULL,
  offline      boolean NOT NULL,
  model        text NOT NULL,
  generated_by text NOT NULL,
  generated_at timestamptz NOT NULL
);
