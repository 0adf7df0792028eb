import { linkSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, resolveInsideRoots, resolveSaveTarget } from '../../src/main/util/roots';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-roots-');

/** root/ with a frame folder, and a sibling folder outside the root. */
function layout() {
  const base = realpathSync(tempDir());
  const root = join(base, 'root');
  const elsewhere = join(base, 'elsewhere');
  mkdirSync(join(root, 'sub01', 'EP02_01f'), { recursive: true });
  mkdirSync(elsewhere);
  writeFileSync(join(root, 'sub01', 'EP02_01f', 'img46.jpg'), 'jpeg');
  writeFileSync(join(elsewhere, 'secret.txt'), 'secret');
  return { base, root, elsewhere };
}

const code = async (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: { code?: string }) => error.code);

describe('the allowed-roots rule', () => {
  it('isInside is lexical and does not take a sibling with the same prefix for a child', () => {
    expect(isInside('/data/root', '/data/root')).toBe(true);
    expect(isInside('/data/root', '/data/root/a/b')).toBe(true);
    expect(isInside('/data/root', '/data/root-2/a')).toBe(false);
    expect(isInside('/data/root', '/data')).toBe(false);
    expect(isInside('/data/root', '/data/root/..foo')).toBe(true);
  });

  it('accepts a folder and a file inside a root and returns their real paths', async () => {
    const { root } = layout();
    const folder = join(root, 'sub01', 'EP02_01f');
    expect(await resolveInsideRoots(folder, [root])).toEqual({ real: folder, root });
    expect((await resolveInsideRoots(join(folder, 'img46.jpg'), [root])).real).toBe(join(folder, 'img46.jpg'));
  });

  it('refuses “..” even when the result would land back inside the root', async () => {
    const { root } = layout();
    await expect(code(resolveInsideRoots(join(root, 'sub01') + '/../sub01', [root]))).resolves.toBe('FORBIDDEN');
    await expect(code(resolveInsideRoots(`${root}/../elsewhere`, [root]))).resolves.toBe('FORBIDDEN');
  });

  it('refuses a symlink inside the root that points outside it, and names where it leads', async () => {
    const { root, elsewhere } = layout();
    symlinkSync(elsewhere, join(root, 'link-out'));
    const refused = await resolveInsideRoots(join(root, 'link-out'), [root]).catch((error: Error) => error);
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
    expect((refused as Error).message).toContain(elsewhere);
    await expect(code(resolveInsideRoots(join(root, 'link-out', 'secret.txt'), [root]))).resolves.toBe('FORBIDDEN');
  });

  it('accepts a symlink that stays inside the root, resolved to its target', async () => {
    const { root } = layout();
    symlinkSync(join(root, 'sub01'), join(root, 'shortcut'));
    expect((await resolveInsideRoots(join(root, 'shortcut', 'EP02_01f'), [root])).real).toBe(join(root, 'sub01', 'EP02_01f'));
  });

  it('accepts a root that is itself reached through a symlink', async () => {
    const { base, root } = layout();
    symlinkSync(root, join(base, 'root-link'));
    expect((await resolveInsideRoots(join(base, 'root-link', 'sub01'), [join(base, 'root-link')])).real).toBe(join(root, 'sub01'));
  });

  it('accepts a hard link inside the root (it is a name in the root) even when the file has another name outside', async () => {
    const { root, elsewhere } = layout();
    linkSync(join(elsewhere, 'secret.txt'), join(root, 'hard.txt'));
    expect((await resolveInsideRoots(join(root, 'hard.txt'), [root])).real).toBe(join(root, 'hard.txt'));
  });

  it('refuses a path that does not exist as NOT_FOUND, a relative path and a NUL byte as INVALID_INPUT', async () => {
    const { root } = layout();
    await expect(code(resolveInsideRoots(join(root, 'missing'), [root]))).resolves.toBe('NOT_FOUND');
    await expect(code(resolveInsideRoots(join(root, 'sub01', 'EP02_01f', 'img46.jpg', 'x'), [root]))).resolves.toBe('NOT_FOUND');
    await expect(code(resolveInsideRoots('sub01', [root]))).resolves.toBe('INVALID_INPUT');
    await expect(code(resolveInsideRoots(`${root}/a\0b`, [root]))).resolves.toBe('INVALID_INPUT');
  });

  it('refuses everything when no configured root exists', async () => {
    const { root, base } = layout();
    await expect(code(resolveInsideRoots(root, [join(base, 'gone')]))).resolves.toBe('FORBIDDEN');
  });

  it('a save target: its folder must be inside a root; an existing symlink of that name must be too', async () => {
    const { root, elsewhere } = layout();
    expect(await resolveSaveTarget(join(root, 'new.mellm'), [root])).toEqual({ real: join(root, 'new.mellm'), root });
    await expect(code(resolveSaveTarget(join(elsewhere, 'new.mellm'), [root]))).resolves.toBe('FORBIDDEN');
    await expect(code(resolveSaveTarget(join(root, 'no-such-folder', 'new.mellm'), [root]))).resolves.toBe('NOT_FOUND');
    symlinkSync(join(elsewhere, 'secret.txt'), join(root, 'trap.mellm'));
    await expect(code(resolveSaveTarget(join(root, 'trap.mellm'), [root]))).resolves.toBe('FORBIDDEN');
  });
});
