/**
 * Review, agreement and export calls (src/shared/api/review.ts, export.ts): annotator profiles,
 * the review queue and decisions, inter-coder agreement, corpus export as a job.
 */
import type { ChannelInput } from '@shared/api';
import type { Annotator, Review } from '@shared/workspace';
import { api } from './client';

export const reviewApi = {
  annotators: () => api.call('annotators.list', {}),
  createAnnotator: (name: string, role: Annotator['role']) => api.call('annotators.create', { name, role }),
  setRole: (id: number, role: Annotator['role']) => api.call('annotators.update', { id, role }),
  queue: () => api.call('review.queue', {}),
  event: (eventId: number) => api.call('review.event', { eventId }),
  /** The newest decision on one label (its annotator reads the reviewer's comment). */
  feedback: (annotationId: number) => api.call('review.feedback', { annotationId }),
  /** `baseVersion`: the label's version the reviewer was shown (a label changed since is refused with EDIT_CONFLICT). */
  decide: (annotationId: number, decision: Review['decision'], comment: string, baseVersion: number) => api.call('review.decide', { annotationId, decision, comment, baseVersion }),
  agreement: (ignoreSide: boolean, includeDataset: boolean) => api.call('agreement.compute', { ignoreSide, includeDataset }),
  exportRun: (request: ChannelInput<'export.run'>) => api.call('export.run', request),
  cancelJob: (jobId: string) => api.call('jobs.cancel', { jobId }),
};
