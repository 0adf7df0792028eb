import type { analysisChannels } from '@shared/api';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function analysisHandlers(services: Services): Pick<HandlerTable, keyof typeof analysisChannels> {
  const runner = services.analysis;
  return {
    'analysis.run': async (input) => ({ jobId: (await runner.run(input)).jobId }),
    'analysis.get': async ({ eventId }) => runner.get(eventId),
    'analysis.runAll': async ({ redo }) => {
      const { jobs, skipped, items } = await runner.runAll({ redo });
      return { jobIds: jobs.map((j) => j.jobId), skipped, items };
    },
    'analysis.pending': async () => runner.pending(),
    'analysis.overlay': async ({ analysisId, kind }) => {
      const { width, height, png } = await runner.overlay(analysisId, kind);
      return { width, height, png: png.toString('base64') };
    },
  };
}
