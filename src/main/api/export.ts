import { isAbsolute } from 'node:path';
import type { exportChannels } from '@shared/api';
import { AppError } from '@shared/errors';
import { exportWorkspace } from '../app/export-workspace';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

/** Corpus export of the open workspace, run as a job. */
export function exportHandlers(services: Services): Pick<HandlerTable, keyof typeof exportChannels> {
  return {
    'export.run': async ({ formats, folder, onlyApproved, anonymise, includeImages, force, promptFormat }) => {
      // A relative folder would land wherever the main process happens to run.
      if (!isAbsolute(folder)) throw new AppError('INVALID_INPUT', `Choose an absolute export folder (got “${folder}”)`);
      const w = services.workspaces.require();
      const { expressionClasses: classThresholds, language } = await services.settings.get();
      const handle = services.jobs.add('export', `Export ${formats.join(', ')}`, (job) =>
        exportWorkspace(w, { formats, folder, onlyApproved, anonymise, includeImages, force, promptFormat, classThresholds, language, signal: job.signal, onProgress: (done, total) => job.progress(done, total) }),
      );
      const result = await handle.result;
      return {
        jobId: handle.jobId,
        records: result.records,
        labels: result.labels,
        files: result.files.map((file) => ({ format: file.format, path: file.path, records: file.records, skipped: [...file.skipped], ...(file.promptFormat ? { promptFormat: file.promptFormat } : {}) })),
      };
    },
  };
}
