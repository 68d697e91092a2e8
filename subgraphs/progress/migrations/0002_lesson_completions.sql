-- progress: which lab session completed a LAB lesson. LAB lessons complete only through the labs
-- service (POST /internal/lesson-completions) once every step's check passes; the first reference
-- (the lab session id) is kept, and later calls for the same lesson change nothing.

CREATE TABLE progress.lesson_completions (
  enrollment_id uuid NOT NULL REFERENCES progress.enrollments (id) ON DELETE CASCADE,
  lesson_id     text NOT NULL,
  reference     text NOT NULL,
  completed_at  timestamptz NOT NULL,
  PRIMARY KEY (enrollment_id, lesson_id)
);
