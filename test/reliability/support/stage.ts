import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { isPidRunning } from '../../../src/main/util/process-identity';

/**
 * A place an unprivileged child can run a bundled driver from, wherever the checkout is:
 * when the tests run as root from a checkout inside a private folder (root's home, mode
 * 0700), `nobody` can reach nothing in it. The stage is a world-readable temporary folder
 * holding the bundle, our package.json (packageRoot() looks for it) and the native
 * packages the bundle imports with their dependencies. Files are hard-linked when the
 * file system allows (instant), else copied; other platforms' binaries are left out.
 */
const NATIVE = ['better-sqlite3', 'onnxruntime-node', 'sharp'];
const PLATFORMS = ['darwin', 'win32', 'linux', 'freebsd', 'android'];
const ARCHES = ['x64', 'arm64', 'ia32', 'arm', 'ppc64', 's390x'];

let stage: string | null = null;
const staged = new Set<string>();

const PREFIX = 'mellm-drivers-';


/** Stages of test processes that are gone (a killed worker never ran its exit hook). */
function removeDeadStages(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (pid && pid !== process.pid && !isPidRunning(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function stageDir(root: string): string {
  if (stage) return stage;
  removeDeadStages();
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  chmodSync(dir, 0o755);
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  chmodSync(join(dir, 'package.json'), 0o644);
  mkdirSync(join(dir, 'node_modules'), { mode: 0o755 });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return (stage = dir);
}

/** Another platform's (or architecture's) binaries: never loaded here. */
function foreign(name: string, parent: string): boolean {
  if (PLATFORMS.includes(name)) return name !== process.platform;
  return ARCHES.includes(name) && parent === process.platform && name !== process.arch;
}

/** Links (or copies) a file so that everyone can read it. */
function place(from: string, to: string): void {
  const mode = lstatSync(from).mode;
  if (mode & 0o004) {
    try {
      linkSync(from, to);
      return;
    } catch {
      // another file system, or links refused: copy
    }
  }
  copyFileSync(from, to);
  chmodSync(to, mode & 0o111 ? 0o755 : 0o644);
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  chmodSync(to, 0o755);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      if (!foreign(entry.name, basename(from))) copyTree(source, target);
    } else if (entry.isSymbolicLink()) {
      const link = readlinkSync(source);
      if (!isAbsolute(link)) symlinkSync(link, target);
    } else if (entry.isFile()) {
      place(source, target);
    }
  }
}

/** Stages a package from the checkout's node_modules and, recursively, the dependencies it has there. */
function stagePackage(root: string, name: string): void {
  if (staged.has(name)) return;
  const source = join(root, 'node_modules', name);
  if (!existsSync(source)) return; // an optional dependency not installed here
  staged.add(name);
  const real = realpathSync(source);
  copyTree(real, join(stageDir(root), 'node_modules', name));
  const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) stagePackage(root, dependency);
}

/** The staged copy of `bundle` (built from the checkout at `root`), runnable by any user. */
export function stageDriver(bundle: string, root: string): string {
  const dir = stageDir(root);
  const text = readFileSync(bundle, 'utf8');
  for (const name of NATIVE) {
    if (text.includes(`from "${name}"`) || text.includes(`require("${name}")`) || text.includes(`import("${name}")`)) stagePackage(root, name);
  }
  const target = join(dir, basename(bundle));
  rmSync(target, { force: true });
  copyFileSync(bundle, target);
  chmodSync(target, 0o644);
  return target;
}
