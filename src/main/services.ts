import { mkdirSync } from 'node:fs';
import { EventHub } from './api/events';
import { JobQueue } from './jobs/queue';
import type { Services } from './api/context';
import { defaultModelsDir, defaultUserDataDir } from './paths';
import { SettingsStore } from './settings';
import { WorkspaceService } from './store/service';
import { LlmService } from './inference/llm/manager';

export interface ServiceOptions {
  userDataDir?: string;
  modelsDir?: string;
  electronVersion?: string | null;
  /** Jobs run at once; analysis saturates both cores of a small machine on its own. */
  jobConcurrency?: number;
}

/** Builds the services that the Electron shell, the bridge, the CLI and the tests share. */
export function createServices(options: ServiceOptions = {}): Services {
  const userData = options.userDataDir ?? defaultUserDataDir();
  mkdirSync(userData, { recursive: true, mode: 0o700 });
  const events = new EventHub();
  return {
    events,
    settings: new SettingsStore(userData),
    workspaces: new WorkspaceService(userData),
    paths: { userData, models: options.modelsDir ?? defaultModelsDir() },
    electronVersion: options.electronVersion ?? null,
    frames: null,
    jobs: new JobQueue(events, options.jobConcurrency ?? 1),
    llm: new LlmService({ userData, models: options.modelsDir ?? defaultModelsDir() }),
  };
}
