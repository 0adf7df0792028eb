import type { appChannels } from '@shared/api';
import { doctor } from '../doctor';
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
      const next = await services.settings.update(patch);
      services.events.emit('settings.changed', next);
      return next;
    },
  };
}
