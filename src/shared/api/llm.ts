import { z } from 'zod';
import { MaxNewTokensSchema, ThinkingSchema } from '../llm-generation';
import { channel } from './channel';

/** The language-model stage: folders, verification, generation with streaming, download. */
export const LlmSamplingSchema = z.object({
  temperature: z.number().min(0).max(5),
  topK: z.number().int().min(0).max(1000),
  topP: z.number().gt(0).max(1),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
});

export const LlmChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(200_000),
});

export const LlmFolderSummarySchema = z.object({
  folder: z.string(),
  present: z.boolean(),
  modelType: z.string().nullable(),
  quantization: z.string().nullable(),
  bytes: z.number().nonnegative(),
  error: z.string().nullable(),
});
export type LlmFolderSummary = z.infer<typeof LlmFolderSummarySchema>;

export const LlmVerificationSchema = z.object({
  folder: z.string(),
  ok: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  modelType: z.string().nullable(),
  quantization: z.string().nullable(),
  bytes: z.number().nonnegative(),
  files: z.array(z.object({ name: z.string(), bytes: z.number().nonnegative(), sha256: z.string() })),
  matchesRecord: z.boolean().nullable(),
  changedFiles: z.array(z.string()),
});
export type LlmVerification = z.infer<typeof LlmVerificationSchema>;

export const LlmTimingsSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  newTokens: z.number().int().nonnegative(),
  firstTokenMs: z.number().nonnegative(),
  totalMs: z.number().nonnegative(),
  runMs: z.number().nonnegative(),
  tokensPerSecond: z.number().nonnegative(),
});

const path = z.string().min(1).max(4096);

/** A folder's measured generation speed on this machine and what a MELLM description would take at it. */
export const LlmSpeedReportSchema = z.object({
  /** null: no language model is configured (descriptions come from the rule-based describer). */
  folder: z.string().nullable(),
  speed: z
    .object({
      prefillTokensPerSecond: z.number().positive(),
      tokensPerSecond: z.number().positive(),
      measuredAt: z.string(),
    })
    .nullable(),
  /** null until the folder's speed was measured (calibration or any generation). */
  estimate: z.object({ seconds: z.number().nonnegative(), promptTokens: z.number().int().nonnegative(), maxNewTokens: z.number().int().positive() }).nullable(),
});
export type LlmSpeedReport = z.infer<typeof LlmSpeedReportSchema>;

export const LlmGenerateInputSchema = z
  .object({
    requestId: z.string().min(1).max(100).optional(),
    folder: path.optional(),
    prompt: z.string().max(200_000).optional(),
    messages: z.array(LlmChatMessageSchema).min(1).max(200).optional(),
    /** Absent: Settings' llmMaxNewTokens. */
    maxNewTokens: MaxNewTokensSchema.optional(),
    /** null / absent: greedy, as the MELLM reference decodes. */
    sampling: LlmSamplingSchema.nullable().default(null),
    /** Absent: Settings' llmThinking; null: the chat template's own default. */
    thinking: ThinkingSchema.optional(),
    keepThinking: z.boolean().default(false),
  })
  .strict()
  .refine((v) => (v.prompt === undefined) !== (v.messages === undefined), { message: 'Give either prompt or messages.' });

export const llmChannels = {
  'llm.list': channel(
    z.object({}).strict(),
    z.object({ folders: z.array(LlmFolderSummarySchema), active: z.string().nullable(), thinking: ThinkingSchema }),
  ),
  'llm.verify': channel(z.object({ folder: path }).strict(), LlmVerificationSchema),
  'llm.generate': channel(
    LlmGenerateInputSchema,
    z.object({
      requestId: z.string(),
      modelId: z.string(),
      /** The model's content fingerprint: what it is, where `modelId` says where it is. */
      modelContent: z.string(),
      text: z.string(),
      tokens: z.array(z.number().int()),
      finishReason: z.enum(['stop', 'length']),
      timings: LlmTimingsSchema,
    }),
  ),
  /** Absent folder: the active one; absent maxNewTokens: Settings' llmMaxNewTokens. */
  'llm.speed': channel(z.object({ folder: path.optional(), maxNewTokens: MaxNewTokensSchema.optional() }).strict(), LlmSpeedReportSchema),
  /** A short generation (16 new tokens) that measures the folder's speed; loads the model if needed. */
  'llm.calibrate': channel(z.object({ folder: path.optional() }).strict(), LlmSpeedReportSchema),
  'llm.cancel': channel(z.object({ requestId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
  'llm.download': channel(
    z
      .object({
        url: z.string().url().max(4096),
        folder: path,
        files: z.array(z.string().min(1).max(1024)).min(1).max(64).optional(),
        sha256: z.record(z.string(), z.string().regex(/^[0-9a-fA-F]{64}$/)).optional(),
        downloadId: z.string().min(1).max(100).optional(),
      })
      .strict(),
    z.object({ downloadId: z.string(), files: z.array(z.string()) }),
  ),
};

export const llmEvents = {
  'llm.token': z.object({ requestId: z.string(), delta: z.string() }),
  'llm.download.progress': z.object({
    downloadId: z.string(),
    file: z.string(),
    received: z.number().nonnegative(),
    total: z.number().nonnegative().nullable(),
    fileIndex: z.number().int().nonnegative(),
    fileCount: z.number().int().positive(),
  }),
};
