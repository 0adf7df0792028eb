import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBindingPath, openDatabase, useSqliteBinding } from '../../src/main/store/sqlite/driver';
import { createWorkspace } from '../../src/main/store';
import { useTempDir } from '../helpers/tmp';

/**
 * `npm start` prepares better-sqlite3 for Electron's ABI beside the Node build. Electron's
 * headers and prebuilt binaries cannot be fetched here, so the build tool is replaced by a
 * recording stand-in; the real tools are run against an unreachable mirror to check the
 * one-line failure. The Electron binary itself cannot run here: the binding is proven by
 * loading a file from the Electron folder under Node through the same `nativeBinding` path.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'electron-sqlite.js');
const require = createRequire(join(ROOT, 'package.json'));
const NODE_BINDING = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const ELECTRON_VERSION = (require('electron/package.json') as { version: string }).version;
const ELECTRON_ABI = readFileSync(join(dirname(require.resolve('electron/package.json')), 'abi_version'), 'utf8').trim();

const tempDir = useTempDir('mellm-electron-sqlite-');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function prepare(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k) && k !== 'MELLM_SQLITE_REBUILD'));
  return spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...clean, ...env } });
}

/** A rebuild tool that records what it was asked for and "builds" by copying the Node binding. */
function recordingRebuild(dir: string): { command: string; record: string } {
  const record = join(dir, 'record.json');
  const script = join(dir, 'rebuild.mjs');
  writeFileSync(
    script,
    `import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }));
mkdirSync('build/Release', { recursive: true });
copyFileSync(${JSON.stringify(NODE_BINDING)}, 'build/Release/better_sqlite3.node');
`,
  );
  const command = join(dir, 'rebuild');
  writeFileSync(command, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(command, 0o755);
  return { command, record };
}

afterEach(() => useSqliteBinding(undefined));

describe('npm start: better-sqlite3 for Electron beside the Node build', () => {
  it('asks the rebuild tool for Electron’s version and ABI in a scratch copy, and keeps only its binding', () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    const { command, record } = recordingRebuild(dir);
    const before = sha(NODE_BINDING);
    const run = prepare({ MELLM_SQLITE_REBUILD: command, MELLM_NATIVE_CACHE: cache });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const asked = JSON.parse(readFileSync(record, 'utf8')) as { args: string[]; cwd: string };
    const flag = (name: string) => asked.args[asked.args.indexOf(name) + 1];
    expect(flag('--runtime')).toBe('electron');
    expect(flag('--target')).toBe(ELECTRON_VERSION);
    expect(flag('--abi')).toBe(ELECTRON_ABI);
    expect(flag('--arch')).toBe(process.arch);
    // It built in a scratch copy inside the cache, which is gone afterwards; the result sits in the version's folder.
    expect(dirname(asked.cwd)).toBe(cache);
    expect(existsSync(asked.cwd)).toBe(false);
    const binding = electronBindingPath(ROOT, ELECTRON_VERSION, cache);
    expect(run.stdout).toContain(binding);
    expect(sha(binding)).toBe(before);
    expect(sha(NODE_BINDING)).toBe(before);
    // Prepared once: a second start does not run the tool again.
    const again = prepare({ MELLM_SQLITE_REBUILD: '/nonexistent/tool', MELLM_NATIVE_CACHE: cache });
    expect(again.status).toBe(0);
  });

  it('without a reachable prebuilt or headers it fails in one clear line and leaves the Node build working', () => {
    const dir = tempDir();
    const before = sha(NODE_BINDING);
    // A closed local port as the binary mirror and an empty download cache: the real prebuild-install fails fast, offline or not.
    const run = prepare({ MELLM_NATIVE_CACHE: join(dir, 'cache'), npm_config_better_sqlite3_binary_host: 'http://127.0.0.1:9', npm_config_cache: join(dir, 'npm-cache') });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`could not prepare better-sqlite3 for Electron ${ELECTRON_VERSION.replaceAll('.', '\\.')} \\(ABI ${ELECTRON_ABI}\\) — prebuild-install: `));
    expect(lines[0]).toContain('npm run serve');
    expect(existsSync(electronBindingPath(ROOT, ELECTRON_VERSION, join(dir, 'cache')))).toBe(false);
    expect(sha(NODE_BINDING)).toBe(before);
    const node = spawnSync(process.execPath, ['-e', "const D = require('better-sqlite3'); new D(':memory:').prepare('select 1').get()"], { cwd: ROOT, encoding: 'utf8' });
    expect(node.stderr).toBe('');
    expect(node.status).toBe(0);
  });

  it('the store opens its connections through the binding file in the Electron folder', async () => {
    const dir = tempDir();
    const binding = electronBindingPath(ROOT, ELECTRON_VERSION, join(dir, 'cache'));
    mkdirSync(dirname(binding), { recursive: true });
    copyFileSync(NODE_BINDING, binding);
    useSqliteBinding(binding);
    const store = await createWorkspace(join(dir, 'work.mellm'));
    try {
      await store.clips.list();
      // The dynamic loader mapped the copy in the Electron folder: the connection came from there.
      expect(readFileSync('/proc/self/maps', 'utf8')).toContain(binding);
    } finally {
      await store.close();
    }
    useSqliteBinding(join(dir, 'missing', 'better_sqlite3.node'));
    expect(() => openDatabase(':memory:')).toThrow();
  });
});
