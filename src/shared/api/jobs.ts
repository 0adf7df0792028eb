import { z } from 'zod';
import { ApiErrorSchema } from '../errors';
import { channel } from './channel';

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

export const JobSchema = z.object({
  jobId: z.string(),
  kind: z.string(),
  label: z.string(),
  state: z.enum(JOB_STATES),
  done: z.number(),
  total: z.number(),
  message: z.string().optional(),
  error: ApiErrorSchema.optional(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** What the job works on, so a window opened on it later finds it (eventId null: the whole clip). */
  subject: z.object({ clipId: z.number().int(), eventId: z.number().int().nullable() }).optional(),
});
export type Job = z.infer<typeof JobSchema>;

export const jobChannels = {
  'jobs.list': channel(z.object({}).strict(), z.array(JobSchema)),
  'jobs.cancel': channel(z.object({ jobId: z.string().max(64) }).strict(), z.object({ cancelled: z.boolean() })),
};
