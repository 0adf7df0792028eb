#!/usr/bin/env node
// `npm start` needs two things `npm ci` may not have left: Electron's binary (skipped with
// ELECTRON_SKIP_BINARY_DOWNLOAD or without network) and better-sqlite3 built for Electron's
// ABI. Each missing piece is fetched once; what cannot be fetched is said in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { prepareElectronSqlite } from './electron-sqlite.js';

const require = createRequire(join(import.meta.dirname, '..', 'package.json'));
const electronDir = dirname(require.resolve('electron/package.json'));

function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist'), readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? binary : null;
}

if (!electronBinary()) {
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 10 * 60_000 });
  if (!electronBinary()) {
    console.error(
      'npm start: Electron\'s binary is not installed and could not be downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network): `npm run serve` runs the workstation in a browser instead.',
    );
    process.exit(1);
  }
}

const sqlite = prepareElectronSqlite();
if (!sqlite.ok) {
  console.error(sqlite.message);
  process.exit(1);
}
