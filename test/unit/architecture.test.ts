import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SHELL = new Set(['src/main/index.ts', 'src/main/transport/ipc.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

describe('architecture', () => {
  it('keeps electron inside the thin shell', () => {
    const leaks = sources(join(ROOT, 'src'))
      .map((file) => relative(ROOT, file))
      .filter((file) => !SHELL.has(file) && !file.startsWith('src/preload/'))
      .filter((file) => /from ['"]electron['"]|require\(['"]electron['"]\)/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(leaks).toEqual([]);
  });

  it('keeps shared contracts free of Node and DOM dependencies', () => {
    const offenders = sources(join(ROOT, 'src/shared'))
      .filter((file) => /from ['"]node:|from ['"](fs|path|react)['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
