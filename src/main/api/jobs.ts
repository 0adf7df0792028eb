import type { jobChannels } from '@shared/api';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function jobHandlers(services: Services): Pick<HandlerTable, keyof typeof jobChannels> {
  return {
    'jobs.list': async () => services.jobs.list(),
    'jobs.cancel': async ({ jobId }) => ({ cancelled: services.jobs.cancel(jobId) }),
  };
}
