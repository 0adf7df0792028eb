import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '@shared/errors';
import { packageRoot } from '../paths';
import { nodeRequire } from '../util/node-require';

/** The entry file of a job process: a file that calls serveJobs() (jobs/child-runtime.ts). */
export interface JobScript {
  readonly path: string;
  /** TypeScript sources (tests, bench) run through tsx's loader. */
  readonly typescript: boolean;
}

const runningFromSources = fileURLToPath(import.meta.url).endsWith('.ts');

/**
 * Where a job process's code lives: `src/main/jobs/workers/<name>.ts` (run through tsx)
 * when the app runs from sources (tests, bench), `out/main/<name>.js` when built. An
 * absolute path is taken as it is.
 */
export function jobScript(nameOrPath: string): JobScript {
  if (isAbsolute(nameOrPath)) return { path: nameOrPath, typescript: nameOrPath.endsWith('.ts') };
  const path = runningFromSources
    ? join(packageRoot(), 'src', 'main', 'jobs', 'workers', `${nameOrPath}.ts`)
    : join(packageRoot(), 'out', 'main', `${nameOrPath}.js`);
  if (!existsSync(path)) throw new AppError('INTERNAL', `Job process entry ${nameOrPath} not found at ${path}`);
  return { path, typescript: path.endsWith('.ts') };
}

/** util-linux prlimit, when this platform has it. */
export function prlimitPath(): string | null {
  if (process.platform !== 'linux') return null;
  return ['/usr/bin/prlimit', '/bin/prlimit'].find((path) => existsSync(path)) ?? null;
}

/** tsx's loader as an --import URL, for children that run TypeScript sources. */
function tsxLoader(): string {
  return pathToFileURL(nodeRequire.resolve('tsx')).href;
}

/**
 * How a job process is started: this runtime (Electron's binary runs it as plain Node)
 * with a V8 heap limit and, where `prlimit` exists and a limit is asked for, under
 * RLIMIT_DATA (see jobs/pool.ts). `limited` says whether the memory limit applies.
 */
export function jobCommand(
  script: JobScript,
  limits: { readonly heapMb: number; readonly memoryMb: number | null; readonly env?: Record<string, string> | undefined },
): { command: string; args: string[]; env: NodeJS.ProcessEnv; limited: boolean } {
  const prlimit = limits.memoryMb === null ? null : prlimitPath();
  const nodeArgs = [`--max-old-space-size=${limits.heapMb}`, ...(script.typescript ? ['--import', tsxLoader()] : []), script.path];
  const env: NodeJS.ProcessEnv = { ...process.env, ...limits.env };
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  if (script.typescript && !env.TSX_TSCONFIG_PATH) {
    const tsconfig = join(packageRoot(), 'tsconfig.json');
    if (existsSync(tsconfig)) env.TSX_TSCONFIG_PATH = tsconfig;
  }
  if (!prlimit || limits.memoryMb === null) return { command: process.execPath, args: nodeArgs, env, limited: false };
  // --core=0: a crashed 6 GB process must not leave a 6 GB core file behind.
  return { command: prlimit, args: [`--data=${limits.memoryMb * 1024 * 1024}`, '--core=0', '--', process.execPath, ...nodeArgs], env, limited: true };
}
