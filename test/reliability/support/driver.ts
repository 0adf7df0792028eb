import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { stageDriver } from './stage';

const root = resolve(import.meta.dirname, '../../..');
export const artifactsDir = join(root, 'test-artifacts', 'reliability');

/**
 * Bundles a driver from test/reliability/drivers/ into one ESM file (tsx's own esbuild,
 * done once) so each child starts in ~0.6 s instead of ~2 s under `--import tsx`: the
 * crash test starts a hundred of them. Only native addons stay external.
 */
export function buildDriver(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  const outfile = join(artifactsDir, `${name}.driver.mjs`);
  buildSync({
    entryPoints: [join(root, 'test', 'reliability', 'drivers', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'onnxruntime-node', 'sharp'],
    // CommonJS packages inside an ESM bundle still call require().
    banner: { js: "import { createRequire as __mellmRequire } from 'node:module'; const require = __mellmRequire(import.meta.url);" },
    alias: { '@shared': join(root, 'src', 'shared') },
    logLevel: 'error',
  });
  return outfile;
}

export interface DriverRun {
  readonly child: ChildProcess;
  /** Complete stdout lines so far. */
  readonly lines: string[];
  readonly stderr: () => string;
  /** Resolves with the first line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
  /** Node options before the script, e.g. ['--import', preload]. */
  readonly execArgv?: readonly string[];
  readonly cwd?: string;
}

/** Starts a bundled driver under this Node. */
export function runDriver(file: string, args: readonly string[], options: RunOptions = {}): DriverRun {
  return runCommand(process.execPath, [...(options.execArgv ?? []), file, ...args], options);
}

export interface UserRunOptions {
  readonly uid: number;
  readonly gid: number;
  /**
   * Folders the child must not be able to enter, as if they sat inside another user's
   * private (0700) folder: each gets an empty tmpfs mounted over it in the child's own
   * mount namespace (needs root; nothing outside the child sees the mounts).
   */
  readonly hide?: readonly string[];
}

/**
 * Starts a bundled driver as an unprivileged user (the caller is root), from a staged
 * copy the user can reach even when the checkout is private (see stage.ts).
 */
export function runDriverAsUser(name: string, args: readonly string[], user: UserRunOptions): DriverRun {
  const file = stageDriver(buildDriver(name), root);
  if (!user.hide?.length) return runDriver(file, args, { uid: user.uid, gid: user.gid, cwd: tmpdir() });
  const script = [
    'n=$1; shift',
    'while [ "$n" -gt 0 ]; do mount -t tmpfs -o size=64k,mode=0700 mellm-hidden "$1" || exit 97; shift; n=$((n - 1)); done',
    `exec setpriv --reuid=${user.uid} --regid=${user.gid} --clear-groups "$@"`,
  ].join('\n');
  const command = ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', String(user.hide.length), ...user.hide, process.execPath, file, ...args];
  return runCommand('unshare', command, { cwd: tmpdir() });
}

/** Starts any command (e.g. `prlimit … node driver.mjs`) with line-wise stdout capture. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): DriverRun {
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let partial = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.pattern.test(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(() => reject(new Error(`driver never printed ${pattern}; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${err}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolveLine(line)) });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`driver exited before ${pattern}; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${err}`));
        });
      });
    },
  };
}
