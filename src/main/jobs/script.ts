import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@shared/errors';
import { packageRoot } from '../paths';

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
