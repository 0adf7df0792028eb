import type { appChannels } from '@shared/api';
import { doctor } from '../doctor';
import { checkFlowModelFolder } from '../inference/flow/learned';
import { packageVersion } from '../paths';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function appHandlers(services: Services): Pick<HandlerTable, keyof typeof appChannels> {
  return {
    'app.info': async (_input, meta) => ({
      name: 'MELLM Workstation',
      version: packageVersion(),
      platform: process.platform,
      arch: process.arch,
      node: process.versions.node,
      electron: services.electronVersion,
      transport: meta.transport,
    }),
    'app.doctor': async () => doctor(services.paths.models),
    'settings.get': async () => services.settings.get(),
    'settings.update': async (patch) => {
      // A learned flow model folder is untrusted input: refused here, before an analysis runs with it.
      const flowModel = patch.analysisFlow?.model;
      if (flowModel) checkFlowModelFolder(flowModel);
      const next = await services.settings.update(patch);
      services.events.emit('settings.changed', next);
      return next;
    },
  };
}
