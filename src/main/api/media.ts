import type { mediaChannels } from '@shared/api';
import { probeMedia } from '../media/probe';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function mediaHandlers(services: Services): Pick<HandlerTable, keyof typeof mediaChannels> {
  return {
    // probeMedia validates the path (absolute, exists, file or folder) and never runs a shell.
    'media.probe': async ({ path, fps }) => probeMedia(path, { fps }),
    'media.open': async ({ path, fps }) => services.media.open(path, { fps }),
  };
}
