import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens better-sqlite3 connections with the native binding this process must use. Under
 * Node (tests, CLI, bridge) that is the package's own build; under Electron in development
 * it is the Electron-ABI build `npm start` prepares beside it (scripts/electron-sqlite.js),
 * so one `npm ci` serves both. A packaged app's binding is rebuilt in place by the
 * installer build, so it needs none.
 */
let nativeBinding: string | undefined;

export function useSqliteBinding(path: string | undefined): void {
  nativeBinding = path;
}

export function openDatabase(path: string, options: Database.Options = {}): Database.Database {
  return new Database(path, nativeBinding ? { ...options, nativeBinding } : options);
}

/** The folder rule shared with scripts/electron-sqlite.js. */
export function electronBindingPath(appRoot: string, electronVersion: string, cacheRoot = process.env.MELLM_NATIVE_CACHE): string {
  const version = (createRequire(join(appRoot, 'package.json'))('better-sqlite3/package.json') as { version: string }).version;
  const base = cacheRoot ?? join(appRoot, 'node_modules', '.cache', 'mellm-native');
  return join(base, `electron-v${electronVersion}-${process.platform}-${process.arch}-better-sqlite3-${version}`, 'better_sqlite3.node');
}

/** The prepared Electron binding of a development checkout, or undefined when there is none. */
export function developmentElectronBinding(appRoot: string, electronVersion: string): string | undefined {
  const path = electronBindingPath(appRoot, electronVersion);
  return existsSync(path) ? path : undefined;
}
