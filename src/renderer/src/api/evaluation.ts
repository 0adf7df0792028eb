/** The Evaluation view's call (src/shared/api/evaluation.ts). */
import type { ChannelInput } from '@shared/api';
import { api } from './client';

export const evaluationApi = {
  run: (request: ChannelInput<'evaluation.run'>) => api.call('evaluation.run', request),
};
