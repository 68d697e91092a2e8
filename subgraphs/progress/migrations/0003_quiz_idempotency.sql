-- progress: a client's idempotency key on a quiz attempt. A learner's app that queued a submission
-- offline, or lost the response, sends it again with the same key; the first attempt is answered
-- back and no second one is recorded. Keys are the client's, so they are unique per enrollment and
-- lesson only (two learners may pick the same key).

ALTER TABLE progress.quiz_attempts ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX quiz_attempts_idempotency_key_idx
  ON progress.quiz_attempts (enrollment_id, lesson_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
