#!/usr/bin/env node
// npm run dist: the installers for this platform (electron-builder.yml), after `npm run build`.
// The app icon is rendered from resources/icon.svg and better-sqlite3's Electron binding is
// prepared as for `npm start` (scripts/after-pack.cjs puts it in the package). electron-builder downloads Electron (and,
// per target, AppImage/NSIS tools); where it cannot, this says so in one line and names the
// offline route: `-c.electronDist=<an unpacked Electron folder>`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import { prepareElectronSqlite } from './electron-sqlite.js';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

mkdirSync(join(root, 'build'), { recursive: true });
await sharp(join(root, 'resources', 'icon.svg'), { density: 1200 }).resize(1024, 1024).png().toFile(join(root, 'build', 'icon.png'));

// Offline builders bring both pieces: -c.electronDist and MELLM_ELECTRON_SQLITE_BINDING.
const given = process.env.MELLM_ELECTRON_SQLITE_BINDING;
const sqlite = given ? { ok: existsSync(given), binding: given, message: `npm run dist: MELLM_ELECTRON_SQLITE_BINDING names no file: ${given}` } : prepareElectronSqlite();
if (!sqlite.ok) {
  console.error(sqlite.message.replace(/^npm start:/, 'npm run dist:'));
  process.exit(1);
}

const cli = require.resolve('electron-builder/cli.js');
const env = { ...process.env, MELLM_ELECTRON_SQLITE_BINDING: sqlite.binding };
console.log(`Building installers with electron-builder (${process.argv.slice(2).join(' ') || 'this platform'})…`);
const run = spawnSync(process.execPath, [cli, '--publish', 'never', ...process.argv.slice(2)], { cwd: root, encoding: 'utf8', env, maxBuffer: 64 << 20 });
const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
if (run.status === 0) {
  process.stdout.write(output.trim() + '\n');
  process.exit(0);
}
// electron-builder's own log stays in a file; the terminal gets the one line that says what to do.
mkdirSync(join(root, 'dist'), { recursive: true });
const log = join(root, 'dist', 'electron-builder.log');
writeFileSync(log, output);
const url = /(https?:\/\/[^\s"')]+)/.exec(output.slice(output.search(/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo/) - 2000))?.[1];
const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo/.test(output);
const version = require('electron/package.json').version;
console.error(
  offline
    ? `npm run dist: cannot download ${url ?? `Electron ${version}`} (no network); offline builders pass an unpacked Electron ${version}: npm run dist -- -c.electronDist=/path/to/electron/dist (log: ${log})`
    : `npm run dist: electron-builder failed (exit ${run.status}): ${output.split('\n').find((l) => /⨯|error/i.test(l))?.trim() ?? 'see the log'} (log: ${log})`,
);
process.exit(run.status ?? 1);
