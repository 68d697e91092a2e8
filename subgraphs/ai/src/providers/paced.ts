/**
 * Paces a model's deltas. The offline tutor composes a whole answer in a millisecond; shown at
 * once it would not read as the stream every other tutor reply is, so its words are released at a
 * reading pace (AI_OFFLINE_PACE_MS apart). Aborting stops the wait at once.
 */
import type { ReplyChunk, ReplyTask, TutorModel } from './types';

export function pacedModel(model: TutorModel, delayMs: number): TutorModel {
  if (delayMs <= 0) return model;
  return {
    offline: model.offline,
    model: model.model,
    draftQuiz: (task, signal) => model.draftQuiz(task, signal),
    summarize: (task, signal) => model.summarize(task, signal),
    async *streamReply(task: ReplyTask, signal: AbortSignal): AsyncIterable<ReplyChunk> {
      let first = true;
      for await (const chunk of model.streamReply(task, signal)) {
        if (chunk.type === 'delta' && !first) await pause(delayMs, signal);
        first = false;
        yield chunk;
      }
    },
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
