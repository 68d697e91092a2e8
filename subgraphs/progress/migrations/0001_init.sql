-- progress: enrollments, per-lesson progress and quiz attempts. Courses and lessons live in catalog;
-- their ids are stored here as opaque text and resolved through catalog's internal API.

CREATE TABLE progress.enrollments (
  id               uuid PRIMARY KEY,
  user_id          text NOT NULL,
  course_id        text NOT NULL,
  enrolled_at      timestamptz NOT NULL DEFAULT now(),
  -- Set the first time every lesson of the course (as listed then) is complete; never cleared.
  completed_at     timestamptz,
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT enrollments_user_course_key UNIQUE (user_id, course_id)
);
-- User.enrollments pages newest first; (user_id, course_id) lookups use the unique index.
CREATE INDEX enrollments_user_enrolled_idx ON progress.enrollments (user_id, enrolled_at DESC, id);
CREATE INDEX enrollments_course_idx ON progress.enrollments (course_id);

CREATE TABLE progress.lesson_progress (
  enrollment_id    uuid NOT NULL REFERENCES progress.enrollments (id) ON DELETE CASCADE,
  lesson_id        text NOT NULL,
  status           text NOT NULL CHECK (status IN ('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED')),
  -- The furthest position reached in a video, in seconds; never moves back.
  position_seconds double precision NOT NULL DEFAULT 0 CHECK (position_seconds >= 0),
  completed_at     timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (enrollment_id, lesson_id),
  CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL))
);
CREATE INDEX lesson_progress_lesson_idx ON progress.lesson_progress (lesson_id);

CREATE TABLE progress.quiz_attempts (
  id            uuid PRIMARY KEY,
  enrollment_id uuid NOT NULL REFERENCES progress.enrollments (id) ON DELETE CASCADE,
  lesson_id     text NOT NULL,
  score_percent integer NOT NULL CHECK (score_percent BETWEEN 0 AND 100),
  passed        boolean NOT NULL,
  -- The answers as submitted (normalised) and the graded result per question, as graded then:
  -- a later edit of the quiz does not rewrite history.
  answers       jsonb NOT NULL,
  results       jsonb NOT NULL,
  submitted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quiz_attempts_enrollment_idx ON progress.quiz_attempts (enrollment_id, lesson_id, submitted_at);
