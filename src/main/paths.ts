import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'mellm-workstation';

/** The project root: found by walking up to our package.json (works from src/ and out/). */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the ${PACKAGE_NAME} package root above ${from}`);
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Per-user state (settings, recent workspaces). Electron passes app.getPath('userData'). */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MELLM_HOME) return resolve(env.MELLM_HOME);
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'MELLM Workstation');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'MELLM Workstation');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'mellm-workstation');
  }
}

/** models/: manifest.json (tracked), generated/ and user/ (ignored). */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MELLM_MODELS_DIR ? resolve(env.MELLM_MODELS_DIR) : join(packageRoot(), 'models');
}

/**
 * The models folder of an installed app: its code folder is read-only (an archive, or
 * /opt for a .deb), so the models it converts on first run and the ones a user adds live
 * in the user data folder, beside the manifest this version ships (refreshed when it
 * changes, since the manifest belongs to the code).
 */
export function packagedModelsDir(userDataDir: string): string {
  const dir = join(userDataDir, 'models');
  mkdirSync(dir, { recursive: true });
  const shipped = readFileSync(join(packageRoot(), 'models', 'manifest.json'));
  const target = join(dir, 'manifest.json');
  if (!existsSync(target) || !readFileSync(target).equals(shipped)) writeFileSync(target, shipped);
  return dir;
}

export function rendererDir(): string {
  return join(packageRoot(), 'out', 'renderer');
}
