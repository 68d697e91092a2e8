/** The ai subgraph's configuration, parsed once from the environment at boot. */
import { optionalUrl, parseConfig, port, subgraphEnv } from '@learncraft/kit';
import { z } from 'zod';

const positiveInt = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** An optional string variable: empty strings count as unset. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

export const aiConfigSchema = z
  .object({
    ...subgraphEnv,
    PORT: port(4005),
    // quizDraftGenerate and lessonSummarize wait for the model, bounded by AI_PROVIDER_TIMEOUT_MS.
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(60_000),
    CATALOG_INTERNAL_URL: z.url().default('http://127.0.0.1:4002'),
    PROGRESS_INTERNAL_URL: z.url().default('http://127.0.0.1:4003'),
    LABS_INTERNAL_URL: z.url().default('http://127.0.0.1:4004'),
    /**
     * Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp's server), e.g.
     * `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. Unset: the offline tutor.
     */
    OPENAI_BASE_URL: optionalUrl,
    OPENAI_API_KEY: optionalText,
    OPENAI_CHAT_MODEL: z.string().min(1).default('gpt-4o-mini'),
    /** Unset: the offline lexical embeddings even with a chat model (local servers often lack one). */
    OPENAI_EMBEDDING_MODEL: optionalText,
    /** The embedding size to request; needed for models other than OpenAI's text-embedding-3/ada-002. */
    OPENAI_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(8).max(8_192).optional(),
    /** Time to the first token, and between tokens, before a reply fails as PROVIDER_TIMEOUT. */
    AI_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(110_000).default(20_000),
    AI_MAX_OUTPUT_TOKENS: positiveInt(800, 8_000),
    /** Milliseconds between the offline tutor's words, so its answers stream at a reading pace; 0: at once. */
    AI_OFFLINE_PACE_MS: z.coerce.number().int().min(0).max(1_000).default(12),
    /** Tokens of earlier turns sent with a question; older turns are dropped first. */
    AI_HISTORY_TOKEN_BUDGET: positiveInt(1_500, 32_000),
    /** Tokens (prompt and reply, estimated for the offline tutor) one learner may spend per day. */
    AI_DAILY_TOKEN_BUDGET: positiveInt(60_000, 10_000_000),
    /** Questions and hints one learner may ask per minute. */
    AI_REQUESTS_PER_MINUTE: positiveInt(10, 1_000),
    /** How long an answer to an identical first question on the same lesson is reused. */
    AI_ANSWER_CACHE_SECONDS: z.coerce.number().int().min(0).max(604_800).default(86_400),
    /** Vectors in Qdrant when set; otherwise the in-process index under DATA_DIR/ai/vectors. */
    QDRANT_URL: optionalUrl,
    QDRANT_API_KEY: optionalText,
    QDRANT_COLLECTION: z.string().min(1).max(255).default('learncraft_chunks'),
    /** Names this process in the replies it writes; a restart fails its unfinished ones. */
    AI_NODE_ID: z.string().min(1).max(200).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.OPENAI_API_KEY && !config.OPENAI_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_BASE_URL'],
        message: 'is required with OPENAI_API_KEY (e.g. https://api.openai.com/v1)',
      });
    }
    if (config.REQUEST_TIMEOUT_MS < config.AI_PROVIDER_TIMEOUT_MS + 5_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['REQUEST_TIMEOUT_MS'],
        message: 'must be at least AI_PROVIDER_TIMEOUT_MS + 5000 (drafts and summaries wait for the model)',
      });
    }
  });

export type AiConfig = z.infer<typeof aiConfigSchema>;

export function loadConfig(env: Record<string, string | undefined>): AiConfig {
  return parseConfig(aiConfigSchema, env);
}
