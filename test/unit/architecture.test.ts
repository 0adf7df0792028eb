import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
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

  it('keeps every folder of src/main to its layer: no upward imports, no folder cycles', async () => {
    const config = (await import(pathToFileURL(join(ROOT, 'eslint.config.js')).href)) as { LAYERS: Record<string, string[]> };
    const main = join(ROOT, 'src/main');
    const layerOf = (file: string) => {
      const [first, ...rest] = relative(main, file).split(sep);
      return rest.length ? (first as string) : (first as string).replace(/\.tsx?$/, '');
    };
    const edges = new Map<string, Set<string>>();
    const upward: string[] = [];
    for (const file of sources(main)) {
      const from = layerOf(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), spec as string);
        if (!target.startsWith(main + sep)) continue;
        const to = layerOf(target);
        if (to === from) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)?.add(to);
        if (config.LAYERS[from]?.includes(to)) upward.push(`${relative(ROOT, file)} → ${spec}`);
      }
    }
    expect(upward).toEqual([]);
    // Depth-first search for a folder that reaches itself.
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]) => {
      state.set(node, 'open');
      for (const next of edges.get(node) ?? []) {
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), node, next].join(' → '));
        else if (!state.has(next)) visit(next, [...path, node]);
      }
      state.set(node, 'done');
    };
    for (const node of edges.keys()) if (!state.has(node)) visit(node, []);
    expect(cycles).toEqual([]);
    // The domain folders really are there to be checked.
    expect([...edges.keys()]).toEqual(expect.arrayContaining(['analysis', 'inference', 'media', 'corpus', 'store', 'jobs', 'app', 'api']));
  });
});
