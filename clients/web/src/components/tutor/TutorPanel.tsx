/**
 * The AI tutor beside a course, a lesson or a lab: ask a question about the course, read the
 * answer as it is written (with the course passages it cites, a transcript passage linking to its
 * second of the video), rate it, and go back to earlier conversations about the course. Lab hints
 * requested from the steps appear here too (see TutorContext).
 */
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useLazyQuery, useMutation, useQuery } from '@apollo/client';
import {
  TutorAskMutation,
  TutorConversationQuery,
  TutorConversationsQuery,
  TutorMessageRateMutation,
} from '@learncraft/operations';
import { clock } from '@learncraft/operations/format';
import { citationPath } from '../../lib/paths';
import { describeError } from '../ErrorState';
import { Markdown } from '../Markdown';
import { askErrorMessage } from '@learncraft/operations/tutorErrors';
import { useTutor, type Tutor } from './TutorContext';
import {
  COMMENT_MAX_LENGTH,
  HINT_LEVELS,
  HISTORY_PAGE,
  isWriting,
  QUESTION_MAX_LENGTH,
  SOURCE_LABELS,
  type TutorMessageData,
} from '@learncraft/operations/tutorThread';

export function TutorPanel({
  courseId,
  courseSlug,
  lessonId,
  labSessionId,
}: {
  courseId: string;
  courseSlug: string;
  /** The lesson the learner is on; retrieval favours it. */
  lessonId?: string;
  /** The learner's lab session, on a lab page. */
  labSessionId?: string | null;
}) {
  const tutor = useTutor();
  if (!tutor) throw new Error('TutorPanel needs a TutorProvider');
  const { thread } = tutor;

  return (
    <section className="tutor-panel" aria-labelledby="tutor-heading">
      <div className="tutor-header">
        <h2 id="tutor-heading">Ask the tutor</h2>
        {thread.conversationId && (
          <button
            type="button"
            className="button secondary"
            disabled={tutor.busy}
            onClick={() => tutor.dispatch({ type: 'open', conversationId: null, messages: [] })}
          >
            New conversation
          </button>
        )}
      </div>
      <ConversationHistory courseId={courseId} tutor={tutor} />
      {thread.messages.length > 0 && (
        <ol className="tutor-thread" aria-label="Conversation">
          {thread.messages.map((message) => (
            <TutorMessageView key={message.id} message={message} courseSlug={courseSlug} />
          ))}
        </ol>
      )}
      <AskForm courseId={courseId} lessonId={lessonId} labSessionId={labSessionId} tutor={tutor} />
    </section>
  );
}

function ConversationHistory({ courseId, tutor }: { courseId: string; tutor: Tutor }) {
  const {
    data,
    fetchMore,
    loading: loadingList,
  } = useQuery(TutorConversationsQuery, {
    variables: { courseId, first: HISTORY_PAGE },
    errorPolicy: 'all',
    notifyOnNetworkStatusChange: true,
  });
  const [load, loading] = useLazyQuery(TutorConversationQuery, { fetchPolicy: 'network-only' });
  const conversations = data?.me?.tutorConversations;
  if (!conversations || conversations.totalCount === 0) return null;

  const open = async (id: string) => {
    const result = await load({ variables: { id } }).catch(() => undefined);
    const conversation = result?.data?.tutorConversation;
    if (conversation)
      tutor.dispatch({
        type: 'open',
        conversationId: conversation.id,
        messages: conversation.messages.edges.map((edge) => edge.node),
      });
  };

  return (
    <details className="tutor-history">
      <summary>Your conversations about this course ({conversations.totalCount})</summary>
      <ul>
        {conversations.edges.map(({ node }) => (
          <li key={node.id}>
            <button
              type="button"
              className="link-button"
              aria-current={node.id === tutor.thread.conversationId ? 'true' : undefined}
              disabled={tutor.busy || loading.loading}
              onClick={() => void open(node.id)}
            >
              {node.title}
            </button>
            <span className="lesson-meta">
              {node.lesson ? `${node.lesson.title} · ` : ''}
              <time dateTime={node.updatedAt}>{new Date(node.updatedAt).toLocaleString()}</time>
            </span>
          </li>
        ))}
      </ul>
      {conversations.pageInfo.hasNextPage && (
        <button
          type="button"
          className="button secondary"
          disabled={loadingList}
          onClick={() =>
            void fetchMore({ variables: { after: conversations.pageInfo.endCursor } }).catch(() => undefined)
          }
        >
          {loadingList ? 'Loading…' : 'Show older conversations'}
        </button>
      )}
      {loading.error && (
        <p className="form-error" role="alert">
          The conversation could not be loaded: {describeError(loading.error)}
        </p>
      )}
    </details>
  );
}

function AskForm({
  courseId,
  lessonId,
  labSessionId,
  tutor,
}: {
  courseId: string;
  lessonId?: string;
  labSessionId?: string | null;
  tutor: Tutor;
}) {
  const [question, setQuestion] = useState('');
  const [ask, asking] = useMutation(TutorAskMutation, {
    refetchQueries: ['TutorConversations'],
  });
  const questionId = useId();
  const counterId = useId();
  const trimmed = question.trim();
  const disabled = tutor.busy || asking.loading;
  const problem = askErrorMessage(asking.data?.tutorAsk.userErrors[0], asking.error);

  const submit = async () => {
    if (disabled || !trimmed) return;
    const input = {
      courseId,
      question: trimmed,
      ...(lessonId ? { lessonId } : {}),
      ...(labSessionId ? { labSessionId } : {}),
      ...(tutor.thread.conversationId ? { conversationId: tutor.thread.conversationId } : {}),
    };
    const result = await ask({ variables: { input } }).catch(() => undefined);
    const payload = result?.data?.tutorAsk;
    if (payload?.message) {
      tutor.follow(payload.message, payload.question);
      setQuestion('');
    }
  };

  return (
    <form
      className="tutor-ask"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="field">
        <label htmlFor={questionId}>Your question</label>
        <textarea
          id={questionId}
          name="question"
          rows={3}
          value={question}
          maxLength={QUESTION_MAX_LENGTH}
          aria-describedby={counterId}
          readOnly={disabled}
          onChange={(event) => setQuestion(event.target.value)}
          onKeyDown={(event) => {
            // Enter asks, as in a chat; Shift+Enter starts a new line.
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              void submit();
            }
          }}
        />
        <small id={counterId}>
          {question.length} / {QUESTION_MAX_LENGTH} characters · Enter to ask, Shift+Enter for a new line
        </small>
      </div>
      <div className="complete-row">
        <button type="submit" className="button" disabled={disabled || !trimmed}>
          {asking.loading ? 'Asking…' : tutor.busy ? 'The tutor is writing…' : 'Ask'}
        </button>
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
      </div>
    </form>
  );
}

function TutorMessageView({ message, courseSlug }: { message: TutorMessageData; courseSlug: string }) {
  if (message.role === 'LEARNER')
    return (
      <li className="tutor-message from-learner">
        <p className="tutor-author">You asked</p>
        <p className="tutor-question">{message.content}</p>
      </li>
    );
  const writing = isWriting(message);
  return (
    <li className="tutor-message from-tutor" data-status={message.status}>
      <p className="tutor-author">
        {message.kind === 'HINT' ? 'Hint' : 'Tutor'}
        {message.kind === 'HINT' && message.hintLevel !== null && (
          <span className="badge">
            Hint {message.hintLevel} of {HINT_LEVELS}
          </span>
        )}
        {message.offline && (
          <span className="badge" title="Written from the course material, without a language model">
            Offline tutor
          </span>
        )}
      </p>
      <div className="tutor-answer" aria-live="polite" aria-busy={writing}>
        {writing ? (
          message.content ? (
            <p className="streaming-text">{message.content}</p>
          ) : (
            <p className="hint">The tutor is thinking…</p>
          )
        ) : (
          message.content && <Markdown source={message.content} />
        )}
      </div>
      {message.status === 'FAILED' && (
        <p className="form-error" role="alert">
          {message.error?.message ?? 'The tutor could not finish this reply.'}
        </p>
      )}
      {!writing && message.citations.length > 0 && (
        <div className="citations">
          <h3>Sources</h3>
          <ol>
            {message.citations.map((citation, index) => (
              <li key={`${citation.lesson.id}-${index}`}>
                <Link to={citationPath(courseSlug, citation)}>{citation.lesson.title}</Link>
                <span className="lesson-meta">
                  {' '}
                  · {SOURCE_LABELS[citation.source]}
                  {citation.source === 'TRANSCRIPT' && citation.startSeconds !== null
                    ? ` at ${clock(citation.startSeconds)}`
                    : ''}
                  {citation.heading ? ` · ${citation.heading}` : ''}
                </span>
                <blockquote>{citation.snippet}</blockquote>
              </li>
            ))}
          </ol>
        </div>
      )}
      {message.status === 'COMPLETE' && <RateReply message={message} />}
    </li>
  );
}

function RateReply({ message }: { message: TutorMessageData }) {
  const tutor = useTutor();
  const [rate, rating] = useMutation(TutorMessageRateMutation);
  const [comment, setComment] = useState(message.rating?.comment ?? '');
  const current = message.rating;
  const userError = rating.data?.tutorMessageRate.userErrors[0];

  const send = async (helpful: boolean, withComment: string) => {
    const input = { messageId: message.id, helpful, comment: withComment.trim() || null };
    const result = await rate({ variables: { input } }).catch(() => undefined);
    const rated = result?.data?.tutorMessageRate.message;
    if (rated) tutor?.dispatch({ type: 'rated', messageId: message.id, rating: rated.rating });
  };

  return (
    <div className="tutor-rating">
      <div role="group" aria-label="Was this reply helpful?" className="rating-buttons">
        <span>Was this helpful?</span>
        <button
          type="button"
          className="button secondary"
          aria-pressed={current?.helpful === true}
          disabled={rating.loading}
          onClick={() => void send(true, comment)}
        >
          <span aria-hidden="true">👍</span> Helpful
        </button>
        <button
          type="button"
          className="button secondary"
          aria-pressed={current?.helpful === false}
          disabled={rating.loading}
          onClick={() => void send(false, comment)}
        >
          <span aria-hidden="true">👎</span> Not helpful
        </button>
      </div>
      {current && (
        <form
          className="rating-comment"
          onSubmit={(event) => {
            event.preventDefault();
            void send(current.helpful, comment);
          }}
        >
          <p role="status">Thanks for your feedback.</p>
          <label className="field">
            <span>Comment (optional)</span>
            <textarea
              rows={2}
              maxLength={COMMENT_MAX_LENGTH}
              value={comment}
              onChange={(event) => setComment(event.target.value)}
            />
          </label>
          <button
            type="submit"
            className="button secondary"
            disabled={rating.loading || comment.trim() === (current.comment ?? '')}
          >
            Send comment
          </button>
        </form>
      )}
      {(userError || rating.error) && (
        <p className="form-error" role="alert">
          {userError?.message ?? 'The rating could not be saved. Please try again.'}
        </p>
      )}
    </div>
  );
}
