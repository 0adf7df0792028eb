#!/usr/bin/env node
// Prepares better-sqlite3 for Electron's ABI without touching the Node build that `npm ci`
// made for the tests and the CLI: the package is copied to a scratch folder, built or
// fetched there for Electron, and only its `better_sqlite3.node` is kept, in a folder named
// after the Electron version, platform, arch and better-sqlite3 version. The Electron
// main process loads it through better-sqlite3's `nativeBinding` option
// (src/main/store/sqlite/driver.ts). Run by `npm start` (scripts/prestart.js).
//
// The build tool: prebuild-install (a prebuilt binary from better-sqlite3's releases), then
// node-gyp against Electron's headers. MELLM_SQLITE_REBUILD names a command to run instead
// (tests use a recording stand-in); it gets `--runtime electron --target <version>
// --abi <abi> --arch <arch> --platform <platform>` and runs in the scratch copy, where it
// must leave build/Release/better_sqlite3.node. MELLM_NATIVE_CACHE moves the output root.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

/** The folder the Electron binding of this install lives in (same rule as driver.ts). */
export function electronBindingFolder({ electronVersion, betterSqliteVersion, platform = process.platform, arch = process.arch, cacheRoot }) {
  const base = cacheRoot ?? process.env.MELLM_NATIVE_CACHE ?? join(root, 'node_modules', '.cache', 'mellm-native');
  return join(base, `electron-v${electronVersion}-${platform}-${arch}-better-sqlite3-${betterSqliteVersion}`);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The build attempts, in order; each runs in the scratch copy of better-sqlite3. */
function buildTools(target) {
  const args = ['--runtime', 'electron', '--target', target.electronVersion, '--abi', target.abi, '--arch', target.arch, '--platform', target.platform];
  const standIn = process.env.MELLM_SQLITE_REBUILD;
  if (standIn) return [{ name: standIn, command: standIn, args }];
  const tools = [];
  const prebuild = require.resolve('prebuild-install/bin.js');
  tools.push({ name: 'prebuild-install', command: process.execPath, args: [prebuild, '--runtime', 'electron', '--target', target.electronVersion, '--arch', target.arch, '--platform', target.platform] });
  const gyp = process.env.npm_config_node_gyp;
  if (gyp && existsSync(gyp)) {
    tools.push({ name: 'node-gyp', command: process.execPath, args: [gyp, 'rebuild', '--release', `--target=${target.electronVersion}`, `--arch=${target.arch}`, '--dist-url=https://electronjs.org/headers'] });
  }
  return tools;
}

/** What a tool's output says about why it failed, in a few words for the one-line failure. */
function reasonOf(run) {
  if (run.error) return run.error.message;
  const lines = `${run.stderr ?? ''}\n${run.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const fetched = lines.map((l) => /http GET (\S+)/.exec(l)?.[1]).filter(Boolean).at(-1);
  const offline = lines.map((l) => /(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT)\s*(\S*)/.exec(l)).find(Boolean);
  if (offline) return `cannot reach ${offline[2] || fetched || 'the network'} (${offline[1]})`;
  if (lines.some((l) => /network connectivity/i.test(l))) return `cannot reach ${fetched ?? 'the network'}`;
  const telling = lines.find((l) => /error:/i.test(l)) ?? lines.findLast((l) => /err|warn|fail/i.test(l)) ?? lines.at(-1);
  return (telling ?? `exit code ${run.status}`).slice(0, 240);
}

export function prepareElectronSqlite({ log = console.log } = {}) {
  const electronPackage = join(dirname(require.resolve('electron/package.json')), 'package.json');
  const electronDir = dirname(electronPackage);
  const electronVersion = readJson(electronPackage).version;
  const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
  const moduleDir = dirname(require.resolve('better-sqlite3/package.json'));
  const betterSqliteVersion = readJson(join(moduleDir, 'package.json')).version;
  const target = { electronVersion, abi, arch: process.arch, platform: process.platform };
  const folder = electronBindingFolder({ electronVersion, betterSqliteVersion });
  const binding = join(folder, 'better_sqlite3.node');
  if (existsSync(binding)) return { ok: true, binding, prepared: false };

  const parent = dirname(folder);
  mkdirSync(parent, { recursive: true });
  const scratch = mkdtempSync(join(parent, '.build-'));
  const reasons = [];
  try {
    const ownBuild = join(moduleDir, 'build');
    cpSync(moduleDir, scratch, { recursive: true, filter: (source) => source !== ownBuild && !source.startsWith(`${ownBuild}${sep}`) });
    for (const tool of buildTools(target)) {
      const run = spawnSync(tool.command, tool.args, { cwd: scratch, encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 16 << 20 });
      const built = join(scratch, 'build', 'Release', 'better_sqlite3.node');
      if (run.status === 0 && existsSync(built) && statSync(built).size > 0) {
        mkdirSync(folder, { recursive: true });
        renameSync(built, binding);
        log(`better-sqlite3 ${betterSqliteVersion} prepared for Electron ${electronVersion} (ABI ${abi}) with ${tool.name}: ${binding}`);
        return { ok: true, binding, prepared: true };
      }
      reasons.push(`${tool.name}: ${run.status === 0 ? 'produced no build/Release/better_sqlite3.node' : reasonOf(run)}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return {
    ok: false,
    message: `npm start: could not prepare better-sqlite3 for Electron ${electronVersion} (ABI ${abi}) — ${reasons.join('; ')}. The Node build used by npm test and the CLI is unchanged; without access to GitHub and electronjs.org, \`npm run serve\` runs the workstation in a browser.`,
  };
}

if (process.argv[1] === import.meta.filename) {
  const result = prepareElectronSqlite();
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
}
