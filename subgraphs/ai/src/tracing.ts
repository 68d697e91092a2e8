/** Starts tracing as `ai`; `main.ts` imports this first, before anything loads http or undici. */
import { startTracing } from '@learncraft/kit/tracing';

startTracing('ai');
