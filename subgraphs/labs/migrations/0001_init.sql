-- labs: lab sessions (a learner's run of one LAB lesson in a sandbox), their step states, used
-- terminal tokens, sent expiry warnings and the outbox of completions handed to progress.
-- Lessons, courses and users live elsewhere; their ids are stored as opaque text.

CREATE TABLE labs.lab_sessions (
  id                     uuid PRIMARY KEY,
  user_id                text NOT NULL,
  lesson_id              text NOT NULL,
  course_id              text NOT NULL,
  status                 text NOT NULL CHECK (status IN ('REQUESTED', 'PROVISIONING', 'READY', 'STOPPING',
                                                         'STOPPED', 'COMPLETED', 'EXPIRED', 'FAILED')),
  progress_percent       integer NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
  status_message         text,
  -- The lab as it was when the session started (profile, image, setup script, limits): a later
  -- edit of the lesson does not change a running session. Never exposed.
  template               jsonb NOT NULL,
  -- The runtime scope holding the sandbox (LAB_NODE_ID): capacity and orphan recovery are per node.
  node_id                text NOT NULL,
  -- The sandbox the session holds now; cleared once it is destroyed.
  sandbox_id             text,
  started_at             timestamptz,
  -- The hard limit (time limit plus extensions, from started_at; provisional before READY).
  expires_at             timestamptz NOT NULL,
  -- last_activity_at + the lab's idle timeout; null before READY.
  idle_deadline          timestamptz,
  extensions             integer NOT NULL DEFAULT 0 CHECK (extensions >= 0),
  last_activity_at       timestamptz NOT NULL,
  -- When progress acknowledged the lesson completion (see completion_outbox).
  completion_reported_at timestamptz,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL
);
-- One running session per learner: two concurrent labStart calls cannot both insert.
CREATE UNIQUE INDEX lab_sessions_one_running_per_user ON labs.lab_sessions (user_id)
  WHERE status IN ('REQUESTED', 'PROVISIONING', 'READY');
CREATE INDEX lab_sessions_user_created_idx ON labs.lab_sessions (user_id, created_at DESC, id);
CREATE INDEX lab_sessions_user_lesson_idx ON labs.lab_sessions (user_id, lesson_id, created_at DESC);
-- Sessions that hold (or may hold) a sandbox, per node: capacity, the sweeper and orphan recovery.
CREATE INDEX lab_sessions_node_active_idx ON labs.lab_sessions (node_id, status)
  WHERE status IN ('REQUESTED', 'PROVISIONING', 'READY', 'STOPPING') OR sandbox_id IS NOT NULL;

CREATE TABLE labs.lab_step_states (
  session_id       uuid NOT NULL REFERENCES labs.lab_sessions (id) ON DELETE CASCADE,
  step_id          text NOT NULL,
  position         integer NOT NULL,
  title            text NOT NULL,
  -- The check script as the lesson had it when the session started. Never exposed.
  check_command    text NOT NULL,
  status           text NOT NULL CHECK (status IN ('PENDING', 'CHECKING', 'PASSED', 'FAILED')),
  last_output      text CHECK (octet_length(last_output) <= 4096),
  checked_at       timestamptz,
  -- When the running check began: a CHECKING step older than the check timeout may be re-run.
  check_started_at timestamptz,
  PRIMARY KEY (session_id, step_id),
  UNIQUE (session_id, position)
);

-- Terminal tokens already used (single use across replicas); rows outlive the token by a minute.
CREATE TABLE labs.terminal_tokens (
  jti        text PRIMARY KEY,
  session_id uuid NOT NULL,
  used_at    timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX terminal_tokens_expires_idx ON labs.terminal_tokens (expires_at);

-- One EXPIRY_WARNING per session, threshold and deadline, whichever replica's sweeper sees it first;
-- an extension moves the deadline, so the warnings come again for the new one.
CREATE TABLE labs.expiry_warnings (
  session_id        uuid NOT NULL REFERENCES labs.lab_sessions (id) ON DELETE CASCADE,
  threshold_seconds integer NOT NULL,
  deadline          timestamptz NOT NULL,
  sent_at           timestamptz NOT NULL,
  PRIMARY KEY (session_id, threshold_seconds, deadline)
);

-- Completions to hand to progress, written in the transaction that marks the session COMPLETED and
-- delivered after the commit, retried until progress acknowledges (reference = session id).
CREATE TABLE labs.completion_outbox (
  session_id      uuid PRIMARY KEY REFERENCES labs.lab_sessions (id) ON DELETE CASCADE,
  user_id         text NOT NULL,
  lesson_id       text NOT NULL,
  created_at      timestamptz NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  -- Due time of the next attempt; a claimed delivery pushes it forward (a lease) so one replica sends.
  next_attempt_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  -- Progress refused for good (409: not enrolled any more, not a LAB lesson); not retried.
  abandoned_at    timestamptz,
  last_error      text
);
CREATE INDEX completion_outbox_due_idx ON labs.completion_outbox (next_attempt_at)
  WHERE acknowledged_at IS NULL AND abandoned_at IS NULL;
