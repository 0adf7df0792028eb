import type { analysisChannels } from '@shared/api';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function analysisHandlers(services: Services): Pick<HandlerTable, keyof typeof analysisChannels> {
  const runner = services.analysis;
  return {
    'analysis.run': async (input) => ({ jobId: (await runner.run(input)).jobId }),
    'analysis.get': async ({ eventId }) => runner.get(eventId),
    'analysis.runAll': async ({ redo, language }) => {
      const { jobs, skipped, items } = await runner.runAll({ redo, language });
      return { jobIds: jobs.map((j) => j.jobId), skipped, items };
    },
    'analysis.pending': async () => runner.pending(),
    'analysis.spottingRun': async ({ clipId }) => runner.spottingRun(clipId),
    'analysis.overlay': async ({ analysisId, kind, scale }) => {
      const { width, height, png, legendPng, scalePx, maxPx } = await runner.overlay(analysisId, kind, scale);
      return { width, height, png: png.toString('base64'), legendPng: legendPng.toString('base64'), scalePx, maxPx };
    },
  };
}
