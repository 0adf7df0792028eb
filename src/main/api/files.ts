import type { filesChannels } from '@shared/api';
import { AppError } from '@shared/errors';
import { browseRoots, listFolder } from '../app/file-browser';
import { pickWithDialogs, resolvePicked } from '../app/path-picker';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function filesHandlers(services: Services): Pick<HandlerTable, keyof typeof filesChannels> {
  const roots = async () => browseRoots(await services.settings.get());
  return {
    'files.pick': async (request) => {
      if (!services.dialogs) {
        throw new AppError('INVALID_INPUT', 'Native file dialogs exist only in the desktop app; in a browser, use the Browse… dialog (files.list).');
      }
      return { path: await pickWithDialogs(services.dialogs, request, await roots()) };
    },
    'files.list': async ({ path, filters }) => listFolder(path, await roots(), filters),
    'files.resolve': async ({ path, kind }) => ({ path: await resolvePicked(path, kind, await roots()) }),
  };
}
