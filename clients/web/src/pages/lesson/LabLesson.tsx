/**
 * A lab's brief and steps. Starting a sandbox belongs to the labs service, which this build of the
 * platform does not include yet, so the learner reads the steps and marks the lab complete.
 */
import { Markdown } from '../../components/Markdown';
import { CompleteButton } from './CompleteButton';
import type { LabContentData, LessonPartProps } from './types';

export function LabLesson({ lesson, content, enrolled }: LessonPartProps<LabContentData>) {
  return (
    <>
      <p className="facts">
        <span>Sandbox image: {content.image}</span>
        <span>Time limit: {content.timeLimitMinutes} min</span>
      </p>
      <Markdown source={content.instructions} />
      <ol className="lab-steps">
        {content.steps.map((step) => (
          <li key={step.id}>
            <h3>{step.title}</h3>
            <Markdown source={step.instructions} />
          </li>
        ))}
      </ol>
      <p className="notice">
        Interactive lab sandboxes are not available on this server yet; work through the steps on your own
        machine.
      </p>
      <CompleteButton lesson={lesson} enrolled={enrolled} />
    </>
  );
}
