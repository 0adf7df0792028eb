import { mkdirSync } from 'node:fs';
import { EventHub } from './api/events';
import type { Services } from './api/context';
import { defaultModelsDir, defaultUserDataDir } from './paths';
import { SettingsStore } from './settings';
import { WorkspaceService } from './store/service';

export interface ServiceOptions {
  userDataDir?: string;
  modelsDir?: string;
  electronVersion?: string | null;
}

/** Builds the services that the Electron shell, the bridge, the CLI and the tests share. */
export function createServices(options: ServiceOptions = {}): Services {
  const userData = options.userDataDir ?? defaultUserDataDir();
  mkdirSync(userData, { recursive: true, mode: 0o700 });
  return {
    events: new EventHub(),
    settings: new SettingsStore(userData),
    workspaces: new WorkspaceService(userData),
    paths: { userData, models: options.modelsDir ?? defaultModelsDir() },
    electronVersion: options.electronVersion ?? null,
    frames: null,
  };
}
