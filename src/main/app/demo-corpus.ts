import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { WorkspaceInfo } from '@shared/workspace';
import { writeDemoCorpus } from '../analysis/synth/demo';
import type { FaceService } from '../inference/face/service';
import type { WorkspaceService } from '../store/service';
import { commitImport } from './import';

export interface DemoServices {
  readonly face: Pick<FaceService, 'models'>;
  readonly workspaces: WorkspaceService;
}

export interface DemoCorpusResult {
  readonly dir: string;
  readonly sheet: string;
  readonly root: string;
  readonly workspace: string;
  readonly clips: number;
}

/** Written last: a demo folder without it was interrupted and is set aside, never reused. */
const COMPLETE = '.complete';
const WORKSPACE = 'demo.mellm';

/**
 * Generates the demo corpus into `dir` (which must not exist), creates its workspace
 * `demo.mellm` there and imports the coding sheet; the workspace stays open. The one
 * code path behind `mellm synth --demo` and the start page's *Open the demo corpus*.
 */
export async function createDemoCorpus(services: DemoServices, dir: string): Promise<DemoCorpusResult> {
  if (existsSync(dir)) throw new AppError('INVALID_INPUT', `${dir} already exists; choose a new folder for the demo corpus.`);
  const demo = await writeDemoCorpus(await services.face.models(), dir);
  const workspace = join(dir, WORKSPACE);
  await services.workspaces.create(workspace);
  await commitImport(services.workspaces.require(), { sheet: demo.sheet, root: demo.root, dataset: 'casme2' });
  await writeFile(join(dir, COMPLETE), `${new Date().toISOString()}\n`);
  return { dir, sheet: demo.sheet, root: demo.root, workspace, clips: demo.clips };
}

let pending: Promise<WorkspaceInfo> | null = null;

/**
 * Opens the demo corpus kept in the user-data folder, generating it on first use. A
 * folder left by an interrupted generation is renamed aside (kept, not deleted) and
 * the corpus is made again. Concurrent calls share one generation.
 */
export function openDemoCorpus(services: DemoServices, userDataDir: string): Promise<WorkspaceInfo> {
  pending ??= (async () => {
    const dir = join(userDataDir, 'demo-corpus');
    if (existsSync(join(dir, COMPLETE))) return services.workspaces.open(join(dir, WORKSPACE));
    if (existsSync(dir)) await rename(dir, `${dir}.incomplete-${Date.now()}`);
    await createDemoCorpus(services, dir);
    const info = await services.workspaces.info();
    if (!info) throw new AppError('INTERNAL', 'The demo workspace was created but is not open.');
    return info;
  })().finally(() => {
    pending = null;
  });
  return pending;
}
