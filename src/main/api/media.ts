import type { mediaChannels } from '@shared/api';
import { probeMedia } from '../media/probe';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function mediaHandlers(services: Services): Pick<HandlerTable, keyof typeof mediaChannels> {
  return {
    // probeMedia validates the path (absolute, exists, file or folder) and never runs a shell.
    'media.probe': async ({ path, fps }) => probeMedia(path, { fps }),
    // For the view: answered once frame 0 decodes; writes naming the clip wait for the
    // last frame's check (ClipChecks), and a late refusal comes as `media.refused`.
    'media.open': async ({ path, fps, storedClip }) => {
      if (storedClip === undefined) return services.media.open(path, { fps }, undefined, { lastFrameLater: true });
      const store = services.workspaces.require();
      const clip = await store.clips.require(storedClip);
      const located = await services.clipMedia.locate(clip);
      const opened = await services.media.open(located, { fps }, undefined, { lastFrameLater: true });
      services.clipChecks.opened(store, storedClip, opened.info.path);
      return opened;
    },
    'media.proxy': async ({ clipId }) => {
      services.media.info(clipId); // NOT_FOUND for a clip that is not open
      const proxies = services.media.options.proxies;
      const { state, jobId, error } = proxies?.status(clipId) ?? { state: 'none' as const, jobId: null, error: null };
      const proxy = proxies?.get(clipId) ?? null;
      return { state, jobId, width: proxy?.width ?? null, height: proxy?.height ?? null, error: error?.message ?? null };
    },
  };
}
