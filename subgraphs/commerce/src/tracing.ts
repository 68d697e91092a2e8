/** Starts tracing as `commerce`; `main.ts` imports this first, before anything loads http or undici. */
import { startTracing } from '@learncraft/kit/tracing';

startTracing('commerce');
