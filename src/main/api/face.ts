import type { faceChannels } from '@shared/api';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function faceHandlers(services: Services): Pick<HandlerTable, keyof typeof faceChannels> {
  return {
    'face.detect': async ({ path, frame }) => services.face.detect(path, frame ?? 0),
  };
}
