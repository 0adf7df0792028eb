import { mkdirSync } from 'node:fs';
import { EventHub } from './api/events';
import type { Services } from './api/context';
import { MediaLibrary } from './media/library';
import { defaultModelsDir, defaultUserDataDir } from './paths';
import { SettingsStore } from './settings';
import { WorkspaceService } from './store/service';
import { FaceService } from './inference/face/service';
import { FlowService } from './inference/flow/service';
import { LlmService } from './inference/llm/manager';

export interface ServiceOptions {
  userDataDir?: string;
  modelsDir?: string;
  electronVersion?: string | null;
}

/** Builds the services that the Electron shell, the bridge, the CLI and the tests share. */
export function createServices(options: ServiceOptions = {}): Services {
  const userData = options.userDataDir ?? defaultUserDataDir();
  mkdirSync(userData, { recursive: true, mode: 0o700 });
  const events = new EventHub();
  const settings = new SettingsStore(userData);
  const media = new MediaLibrary();
  void settings.get().then((s) => media.setCacheMB(s.frameCacheMB), () => undefined);
  events.subscribe((name, payload) => {
    if (name === 'settings.changed') media.setCacheMB((payload as { frameCacheMB: number }).frameCacheMB);
  });
  const face = new FaceService(options.modelsDir ?? defaultModelsDir());
  // The face stage reads video frames through the media layer's frame-exact reader.
  face.setClipOpener(async (path) => media.reader((await media.open(path)).clipId));
  return {
    flow: new FlowService(options.modelsDir ?? defaultModelsDir()),
    events,
    settings,
    workspaces: new WorkspaceService(userData),
    paths: { userData, models: options.modelsDir ?? defaultModelsDir() },
    electronVersion: options.electronVersion ?? null,
    frames: media,
    media,
    face,
    llm: new LlmService({ userData, models: options.modelsDir ?? defaultModelsDir() }),
  };
}
