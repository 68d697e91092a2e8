/**
 * The AI tutor about one course: ask a question, read the answer as it is written (deltas of
 * `tutorReply` appended in order, then the final message with the course passages it cites), open
 * a cited lesson, rate a reply, and go back to earlier conversations about the course. The thread
 * is the web app's reducer (tutorThread), held by useTutorThread so a lab's Hint buttons can add to
 * it; errors read as the web app's (tutorErrors).
 */
import { useCallback, useMemo, useReducer, useState } from 'react';
import { Pressable, Text, View } from 'react-native';
import { useLazyQuery, useMutation, useQuery, useSubscription } from '@apollo/client';
import {
  TutorAskMutation,
  TutorConversationQuery,
  TutorConversationsQuery,
  TutorMessageRateMutation,
  TutorReplySubscription,
} from '@learncraft/operations';
import { describeError } from '@learncraft/operations/errors';
import { clock } from '@learncraft/operations/format';
import { askErrorMessage } from '@learncraft/operations/tutorErrors';
import {
  COMMENT_MAX_LENGTH,
  EMPTY_THREAD,
  HINT_LEVELS,
  HISTORY_PAGE,
  isWriting,
  QUESTION_MAX_LENGTH,
  SOURCE_LABELS,
  threadReducer,
  type ThreadAction,
  type TutorMessageData,
  type TutorThread,
} from '@learncraft/operations/tutorThread';
import { Markdown } from '../Markdown';
import { Body, Button, Card, Heading, Notice, TextField } from '../../ui';
import { MIN_TOUCH, useTheme } from '../../theme';

type Citation = TutorMessageData['citations'][number];

/** The conversation a screen shows and the reply being followed through `tutorReply`. */
export interface TutorThreadState {
  thread: TutorThread;
  dispatch: (action: ThreadAction) => void;
  /** A reply is being written: no other question or hint until it finishes. */
  busy: boolean;
  /** Shows a pending reply (an answer or a hint) and follows it. */
  follow: (reply: TutorMessageData, question?: TutorMessageData | null) => void;
}

/**
 * The tutor's thread for one screen, shared by its conversation and whatever else asks the tutor
 * there (a lab step's Hint), as the web app's TutorProvider does.
 */
export function useTutorThread(): TutorThreadState {
  const [thread, dispatch] = useReducer(threadReducer, EMPTY_THREAD);
  const streamingId = thread.streamingId;
  useSubscription(TutorReplySubscription, {
    variables: { messageId: streamingId ?? '' },
    skip: !streamingId,
    onData: ({ data }) => {
      const event = data.data?.tutorReply;
      if (!event || !streamingId) return;
      if (event.done && event.message) dispatch({ type: 'final', message: event.message });
      else dispatch({ type: 'delta', messageId: streamingId, delta: event.delta });
    },
    onError: () => {
      if (streamingId)
        dispatch({
          type: 'streamFailed',
          messageId: streamingId,
          error: 'The reply stopped arriving. Open the conversation again to see the rest.',
        });
    },
  });
  const follow = useCallback(
    (reply: TutorMessageData, question: TutorMessageData | null = null) =>
      dispatch({ type: 'asked', conversationId: reply.conversation.id, question, reply }),
    [],
  );
  return useMemo(() => ({ thread, dispatch, busy: !!streamingId, follow }), [thread, streamingId, follow]);
}

export function TutorConversation({
  tutor,
  courseId,
  lessonId,
  labSessionId,
  onOpenCitation,
}: {
  tutor: TutorThreadState;
  courseId: string;
  /** The lesson the learner came from; retrieval favours it. */
  lessonId?: string;
  /** The learner's running lab session, when asked from the lab. */
  labSessionId?: string | null;
  /** Opens a cited lesson; null while the course's address is not known (no links then). */
  onOpenCitation: ((citation: Citation) => void) | null;
}) {
  const { spacing } = useTheme();
  const { thread, dispatch, busy } = tutor;

  return (
    <View style={{ gap: spacing.lg }}>
      {thread.conversationId && (
        <Button
          label="New conversation"
          variant="secondary"
          disabled={busy}
          onPress={() => dispatch({ type: 'open', conversationId: null, messages: [] })}
        />
      )}
      <ConversationHistory
        courseId={courseId}
        current={thread.conversationId}
        busy={busy}
        dispatch={dispatch}
      />
      {thread.messages.length > 0 && (
        <View accessibilityRole="list" accessibilityLabel="Conversation" style={{ gap: spacing.md }}>
          {thread.messages.map((message) => (
            <MessageView
              key={message.id}
              message={message}
              dispatch={dispatch}
              onOpenCitation={onOpenCitation}
            />
          ))}
        </View>
      )}
      <AskForm
        courseId={courseId}
        lessonId={lessonId}
        labSessionId={labSessionId}
        conversationId={thread.conversationId}
        busy={busy}
        follow={tutor.follow}
      />
    </View>
  );
}

function ConversationHistory({
  courseId,
  current,
  busy,
  dispatch,
}: {
  courseId: string;
  current: string | null;
  busy: boolean;
  dispatch: (action: ThreadAction) => void;
}) {
  const { spacing } = useTheme();
  const [shown, setShown] = useState(false);
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
      dispatch({
        type: 'open',
        conversationId: conversation.id,
        messages: conversation.messages.edges.map((edge) => edge.node),
      });
  };

  return (
    <View style={{ gap: spacing.sm }}>
      <Button
        label={`${shown ? 'Hide' : 'Show'} your conversations about this course (${conversations.totalCount})`}
        variant="secondary"
        onPress={() => setShown(!shown)}
      />
      {shown && (
        <View style={{ gap: spacing.sm }}>
          {conversations.edges.map(({ node }) => (
            <Card
              key={node.id}
              accessibilityLabel={node.title}
              onPress={busy || loading.loading ? undefined : () => void open(node.id)}
            >
              <Body>
                {node.id === current ? '▸ ' : ''}
                {node.title}
              </Body>
              <Body muted>
                {node.lesson ? `${node.lesson.title} · ` : ''}
                {new Date(node.updatedAt).toLocaleString()}
              </Body>
            </Card>
          ))}
          {conversations.pageInfo.hasNextPage && (
            <Button
              label={loadingList ? 'Loading…' : 'Show older conversations'}
              variant="secondary"
              disabled={loadingList}
              onPress={() =>
                void fetchMore({ variables: { after: conversations.pageInfo.endCursor } }).catch(
                  () => undefined,
                )
              }
            />
          )}
          {loading.error && (
            <Notice tone="error">The conversation could not be loaded: {describeError(loading.error)}</Notice>
          )}
        </View>
      )}
    </View>
  );
}

function AskForm({
  courseId,
  lessonId,
  labSessionId,
  conversationId,
  busy,
  follow,
}: {
  courseId: string;
  lessonId?: string;
  labSessionId?: string | null;
  conversationId: string | null;
  busy: boolean;
  follow: TutorThreadState['follow'];
}) {
  const { spacing } = useTheme();
  const [question, setQuestion] = useState('');
  const [ask, asking] = useMutation(TutorAskMutation, { refetchQueries: ['TutorConversations'] });
  const trimmed = question.trim();
  const disabled = busy || asking.loading;
  const problem = askErrorMessage(asking.data?.tutorAsk.userErrors[0], asking.error);

  const submit = async () => {
    if (disabled || !trimmed) return;
    const input = {
      courseId,
      question: trimmed,
      ...(lessonId ? { lessonId } : {}),
      ...(labSessionId ? { labSessionId } : {}),
      ...(conversationId ? { conversationId } : {}),
    };
    const result = await ask({ variables: { input } }).catch(() => undefined);
    const payload = result?.data?.tutorAsk;
    if (payload?.message) {
      follow(payload.message, payload.question);
      setQuestion('');
    }
  };

  return (
    <View style={{ gap: spacing.sm }}>
      <TextField
        label="Your question"
        value={question}
        onChangeText={setQuestion}
        maxLength={QUESTION_MAX_LENGTH}
        multiline
        editable={!disabled}
        hint={`${question.length} / ${QUESTION_MAX_LENGTH} characters`}
        error={problem}
      />
      <Button
        label={asking.loading ? 'Asking…' : busy ? 'The tutor is writing…' : 'Ask'}
        accessibilityLabel="Ask"
        disabled={disabled || !trimmed}
        busy={asking.loading}
        onPress={() => void submit()}
      />
    </View>
  );
}

function MessageView({
  message,
  dispatch,
  onOpenCitation,
}: {
  message: TutorMessageData;
  dispatch: (action: ThreadAction) => void;
  onOpenCitation: ((citation: Citation) => void) | null;
}) {
  const { colors, spacing } = useTheme();
  if (message.role === 'LEARNER')
    return (
      <Card>
        <Body muted>You asked</Body>
        <Body selectable>{message.content}</Body>
      </Card>
    );
  const writing = isWriting(message);
  return (
    <Card>
      <Body muted>
        {message.kind === 'HINT' ? 'Hint' : 'Tutor'}
        {message.kind === 'HINT' && message.hintLevel !== null
          ? ` · Hint ${message.hintLevel} of ${HINT_LEVELS}`
          : ''}
        {message.offline ? ' · Offline tutor' : ''}
      </Body>
      <View accessibilityLiveRegion="polite" aria-busy={writing}>
        {writing ? (
          message.content ? (
            <Body selectable>{message.content}</Body>
          ) : (
            <Body muted>The tutor is thinking…</Body>
          )
        ) : message.content ? (
          <Markdown source={message.content} />
        ) : null}
      </View>
      {message.status === 'FAILED' && (
        <Notice tone="error">{message.error?.message ?? 'The tutor could not finish this reply.'}</Notice>
      )}
      {!writing && message.citations.length > 0 && (
        <View style={{ gap: spacing.sm }}>
          <Heading level={3}>Sources</Heading>
          {message.citations.map((citation, index) => (
            <View key={`${citation.lesson.id}-${index}`} style={{ gap: spacing.xs }}>
              {onOpenCitation ? (
                <Pressable
                  accessibilityRole="link"
                  accessibilityLabel={citation.lesson.title}
                  onPress={() => onOpenCitation(citation)}
                  style={{ minHeight: MIN_TOUCH, justifyContent: 'center' }}
                >
                  <Text style={{ color: colors.primary, fontSize: 16, textDecorationLine: 'underline' }}>
                    {citation.lesson.title}
                  </Text>
                </Pressable>
              ) : (
                <Body>{citation.lesson.title}</Body>
              )}
              <Body muted>
                {SOURCE_LABELS[citation.source]}
                {citation.source === 'TRANSCRIPT' && citation.startSeconds !== null
                  ? ` at ${clock(citation.startSeconds)}`
                  : ''}
                {citation.heading ? ` · ${citation.heading}` : ''}
              </Body>
              <View style={{ borderLeftWidth: 3, borderLeftColor: colors.border, paddingLeft: spacing.sm }}>
                <Body selectable>{citation.snippet}</Body>
              </View>
            </View>
          ))}
        </View>
      )}
      {message.status === 'COMPLETE' && <RateReply message={message} dispatch={dispatch} />}
    </Card>
  );
}

function RateReply({
  message,
  dispatch,
}: {
  message: TutorMessageData;
  dispatch: (action: ThreadAction) => void;
}) {
  const { spacing } = useTheme();
  const [rate, rating] = useMutation(TutorMessageRateMutation);
  const [comment, setComment] = useState(message.rating?.comment ?? '');
  const current = message.rating;
  const userError = rating.data?.tutorMessageRate.userErrors[0];

  const send = async (helpful: boolean, withComment: string) => {
    const input = { messageId: message.id, helpful, comment: withComment.trim() || null };
    const result = await rate({ variables: { input } }).catch(() => undefined);
    const rated = result?.data?.tutorMessageRate.message;
    if (rated) dispatch({ type: 'rated', messageId: message.id, rating: rated.rating });
  };

  return (
    <View style={{ gap: spacing.sm }}>
      <Body>Was this helpful?</Body>
      <View
        accessibilityRole="radiogroup"
        style={{ flexDirection: 'row', flexWrap: 'wrap', gap: spacing.sm }}
      >
        <Button
          label="👍 Helpful"
          accessibilityLabel="Helpful"
          variant={current?.helpful === true ? 'primary' : 'secondary'}
          disabled={rating.loading}
          onPress={() => void send(true, comment)}
        />
        <Button
          label="👎 Not helpful"
          accessibilityLabel="Not helpful"
          variant={current?.helpful === false ? 'primary' : 'secondary'}
          disabled={rating.loading}
          onPress={() => void send(false, comment)}
        />
      </View>
      {current && (
        <View style={{ gap: spacing.sm }}>
          <Notice tone="success">Thanks for your feedback.</Notice>
          <TextField
            label="Comment (optional)"
            value={comment}
            onChangeText={setComment}
            maxLength={COMMENT_MAX_LENGTH}
            multiline
          />
          <Button
            label="Send comment"
            variant="secondary"
            disabled={rating.loading || comment.trim() === (current.comment ?? '')}
            onPress={() => void send(current.helpful, comment)}
          />
        </View>
      )}
      {(userError || rating.error) && (
        <Notice tone="error">
          {userError?.message ?? 'The rating could not be saved. Please try again.'}
        </Notice>
      )}
    </View>
  );
}
