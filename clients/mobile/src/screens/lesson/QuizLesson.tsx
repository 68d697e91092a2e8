/**
 * A quiz: answer, submit, and see the server's grading: the score, passed or not, and per question
 * whether it was right, which chosen options were wrong, the author's explanation, and the correct
 * options once the server reveals them. Answers go through the outbox: offline they are kept on the
 * device and the learner is told they will be graded when back online; the grading shows when the
 * server has given it (useQuizOutcome). Nothing is graded here. Attempts left and the cool-down come
 * from the learner's quiz standing, as on the web; the server enforces both.
 */
import { useState } from 'react';
import { Pressable, Text, View } from 'react-native';
import type { QuizAnswerInput, QuizProgressFieldsFragment } from '@learncraft/operations/types';
import { useSecondsUntil } from '@learncraft/operations/useSecondsUntil';
import { useOutbox, useQuizOutcome, type QuizSubmitPayload } from '../../offline/OutboxContext';
import { Markdown } from '../../components/Markdown';
import { Body, Button, Card, Notice } from '../../ui';
import { MIN_TOUCH, useTheme } from '../../theme';
import type { LessonPartProps, QuizContentData } from './types';

type QuizStanding = NonNullable<QuizProgressFieldsFragment['quiz']>;
type Submission =
  | { kind: 'graded'; payload: QuizSubmitPayload }
  | { kind: 'queued' }
  | { kind: 'refused'; message: string }
  | { kind: 'failed' };

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export function QuizLesson({ lesson, content, enrolled }: LessonPartProps<QuizContentData>) {
  const { colors, spacing } = useTheme();
  const outbox = useOutbox();
  const [answers, setAnswers] = useState<Record<string, string[]>>({});
  const [submitting, setSubmitting] = useState(false);
  const [submission, setSubmission] = useState<Submission | null>(null);
  // A queued submission's grading, once the outbox has sent it and the server answered.
  const later = useQuizOutcome(lesson.id);
  const queued = submission?.kind === 'queued';
  const payload =
    submission?.kind === 'graded'
      ? submission.payload
      : queued && later?.status === 'sent'
        ? later.result
        : null;
  const refusal =
    submission?.kind === 'refused'
      ? submission.message
      : queued && later?.status === 'refused'
        ? later.message
        : null;
  const attempt = payload?.attempt ?? null;
  const userError = payload?.userErrors[0];
  const latest: QuizStanding | null = attempt?.lesson.viewerProgress?.quiz ?? null;
  const standing = latest ?? lesson.viewerProgress?.quiz ?? null;
  const secondsLeft = useSecondsUntil(standing?.nextAttemptAt);
  const results = new Map(attempt?.results.map((result) => [result.questionId, result]));

  const passed = standing?.passed ?? lesson.viewerProgress?.status === 'COMPLETED';
  const attemptsRemaining = standing ? standing.attemptsRemaining : content.maxAttempts;
  const outOfAttempts = attemptsRemaining === 0;
  const coolingDown = secondsLeft > 0;
  const waiting = queued && !payload && !refusal;
  const mayAttempt = enrolled && !passed && !outOfAttempts && !coolingDown && !waiting;

  const choose = (questionId: string, optionId: string, multiple: boolean) =>
    setAnswers((current) => {
      const chosen = current[questionId] ?? [];
      const next = multiple
        ? chosen.includes(optionId)
          ? chosen.filter((id) => id !== optionId)
          : [...chosen, optionId]
        : [optionId];
      return { ...current, [questionId]: next };
    });

  const submit = async () => {
    const submitted: QuizAnswerInput[] = Object.entries(answers).map(([questionId, optionIds]) => ({
      questionId,
      optionIds,
    }));
    setSubmitting(true);
    try {
      const outcome = await outbox.send({ kind: 'quizSubmit', lessonId: lesson.id, answers: submitted });
      if (outcome.status === 'queued') return setSubmission({ kind: 'queued' });
      if (outcome.status === 'refused') return setSubmission({ kind: 'refused', message: outcome.message });
      setSubmission({ kind: 'graded', payload: outcome.result });
    } catch {
      setSubmission({ kind: 'failed' });
    } finally {
      setSubmitting(false);
    }
  };

  const tryAgain = () => {
    setSubmission(null);
    setAnswers({});
  };

  const attemptsLabel =
    content.maxAttempts === null
      ? 'unlimited attempts'
      : standing && enrolled
        ? `${attemptsRemaining ?? 0} of ${plural(content.maxAttempts, 'attempt')} left`
        : plural(content.maxAttempts, 'attempt');
  const cooldownLabel = `Try again in ${secondsLeft} s`;

  return (
    <View style={{ gap: spacing.lg }}>
      <Body>
        {content.questions.length} questions · pass mark {content.passPercent}%
        {lesson.viewerProgress?.status === 'COMPLETED' || passed ? ' · ✓ passed' : ` · ${attemptsLabel}`}
      </Body>
      {content.questions.map((question, number) => {
        const result = results.get(question.id);
        return (
          <Card key={question.id}>
            <Text style={{ color: colors.text, fontWeight: '700', fontSize: 15 }} accessibilityRole="header">
              Question {number + 1}
            </Text>
            <Markdown source={question.prompt} />
            {question.multiple && <Body muted>Choose all that apply.</Body>}
            <View
              accessibilityRole={question.multiple ? undefined : 'radiogroup'}
              style={{ gap: spacing.xs }}
            >
              {question.options.map((option) => (
                <OptionRow
                  key={option.id}
                  label={option.label}
                  multiple={question.multiple}
                  checked={answers[question.id]?.includes(option.id) ?? false}
                  disabled={!!attempt || waiting}
                  onPress={() => choose(question.id, option.id, question.multiple)}
                  mark={
                    result?.correctOptionIds?.includes(option.id)
                      ? 'correct'
                      : result?.incorrectOptionIds.includes(option.id)
                        ? 'wrong'
                        : null
                  }
                />
              ))}
            </View>
            {result && (
              <View style={{ gap: spacing.xs }}>
                <Text style={{ color: colors.text, fontWeight: '700', fontSize: 16 }}>
                  {result.correct ? 'Correct' : 'Incorrect'}
                </Text>
                {result.explanation ? <Body>{result.explanation}</Body> : null}
              </View>
            )}
          </Card>
        );
      })}
      {attempt ? (
        <View style={{ gap: spacing.sm }}>
          <View accessible role="status" accessibilityLiveRegion="polite">
            <Body>
              {attempt.passed ? 'Passed' : 'Not passed'} — you scored {attempt.scorePercent}%.{' '}
              {attempt.passed
                ? 'This lesson is complete.'
                : outOfAttempts
                  ? `You needed ${content.passPercent}% to pass and have no attempts left; the correct answers are marked.`
                  : `You need ${content.passPercent}% to pass.${
                      attemptsRemaining === null ? '' : ` ${plural(attemptsRemaining, 'attempt')} left.`
                    }`}
            </Body>
          </View>
          {!attempt.passed && !outOfAttempts && (
            <Button
              label={coolingDown ? cooldownLabel : 'Try again'}
              variant="secondary"
              onPress={tryAgain}
              disabled={coolingDown}
            />
          )}
        </View>
      ) : (
        <View style={{ gap: spacing.sm }}>
          <Button
            label={submitting ? 'Submitting…' : 'Submit answers'}
            accessibilityLabel="Submit answers"
            onPress={() => void submit()}
            disabled={!mayAttempt}
            busy={submitting}
          />
          {waiting && (
            <Notice tone="info">
              Your answers are saved on this device and will be graded when you are back online.
            </Notice>
          )}
          {enrolled && passed && <Body muted>You have passed this quiz.</Body>}
          {enrolled && !passed && outOfAttempts && (
            <Body muted>You have used every attempt at this quiz.</Body>
          )}
          {enrolled && !passed && !outOfAttempts && coolingDown && <Body muted>{cooldownLabel}.</Body>}
          {!enrolled && <Body muted>Enroll in this course to take the quiz.</Body>}
          {userError && <Notice tone="error">{userError.message}</Notice>}
          {refusal && <Notice tone="error">{refusal}</Notice>}
          {submission?.kind === 'failed' && (
            <Notice tone="error">Submitting failed. Please try again.</Notice>
          )}
        </View>
      )}
    </View>
  );
}

function OptionRow(props: {
  label: string;
  multiple: boolean;
  checked: boolean;
  disabled: boolean;
  mark: 'correct' | 'wrong' | null;
  onPress: () => void;
}) {
  const { colors, spacing } = useTheme();
  const border =
    props.mark === 'correct' ? colors.success : props.mark === 'wrong' ? colors.danger : colors.border;
  return (
    <View style={{ gap: spacing.xs }}>
      <Pressable
        accessibilityRole={props.multiple ? 'checkbox' : 'radio'}
        accessibilityLabel={props.label}
        // aria-* rather than accessibilityState: react-native-web passes only these on to the DOM.
        aria-checked={props.checked}
        aria-disabled={props.disabled}
        disabled={props.disabled}
        onPress={props.onPress}
        style={{
          minHeight: MIN_TOUCH,
          flexDirection: 'row',
          alignItems: 'center',
          gap: spacing.sm,
          padding: spacing.sm,
          borderRadius: 8,
          borderWidth: 1,
          borderColor: props.checked ? colors.primary : border,
        }}
      >
        <Text style={{ color: colors.primary, fontSize: 18 }}>
          {props.multiple ? (props.checked ? '☑' : '☐') : props.checked ? '◉' : '○'}
        </Text>
        <Text style={{ color: colors.text, fontSize: 16, flex: 1 }}>{props.label}</Text>
      </Pressable>
      {props.mark && (
        <Text style={{ color: props.mark === 'correct' ? colors.success : colors.danger, fontSize: 14 }}>
          {props.mark === 'correct' ? '✓ Correct answer' : '✗ Your choice was wrong'}
        </Text>
      )}
    </View>
  );
}
