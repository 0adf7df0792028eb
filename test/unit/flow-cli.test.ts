import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices } from '../../src/main/app/services';
import { readFlo } from '../../src/main/inference/flow/flo';
import { packageDir } from '../../src/main/inference/manifest';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();

/** Two 96×96 crops of a face photo, the second shifted right by 1 px. */
async function framePair(dir: string): Promise<[string, string]> {
  const photo = join(packageDir('@vladmandic/face-api') as string, 'demo', 'sample3.jpg');
  const base = sharp(photo).resize(160, 160, { fit: 'cover' }).grayscale();
  const a = join(dir, 'a.png');
  const b = join(dir, 'b.png');
  await base.clone().extract({ left: 32, top: 32, width: 96, height: 96 }).png().toFile(a);
  await base.clone().extract({ left: 31, top: 32, width: 96, height: 96 }).png().toFile(b);
  return [a, b];
}

describe('mellm flow and flow.compute', () => {
  it('CLI writes .flo and a visualisation and prints JSON', async () => {
    const dir = tempDir();
    const [a, b] = await framePair(dir);
    const out: string[] = [];
    const err: string[] = [];
    const argv = ['flow', a, b, '--out', join(dir, 'f.flo'), '--preset', 'fast', '--json', '--vis', join(dir, 'v.png'), '--quiver', join(dir, 'q.png')];
    const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(out.join('')) as { width: number; height: number; model: string; ms: number };
    expect(summary).toMatchObject({ width: 96, height: 96, model: 'flow-variational:fast' });
    const flow = await readFlo(join(dir, 'f.flo'));
    const centre = 48 * 96 + 48;
    expect(flow.data[centre]).toBeGreaterThan(0.6); // content moved right by 1 px
    expect(existsSync(join(dir, 'v.png')) && existsSync(join(dir, 'q.png'))).toBe(true);
  });

  it('CLI rejects a bad preset and missing --out with usage errors', async () => {
    const io = { out: () => undefined, err: () => undefined };
    expect(await runCli(['flow', 'a.png', 'b.png', '--out', 'x.flo', '--preset', 'turbo'], io)).toBe(2);
    expect(await runCli(['flow', 'a.png', 'b.png'], io)).toBe(2);
  });

  it('flow.compute runs through dispatch and reports unknown models as typed errors', async () => {
    const dir = tempDir();
    const [a, b] = await framePair(dir);
    const services = createServices({ userDataDir: join(dir, 'user'), modelsDir: join(dir, 'models') });
    const handlers = createHandlerTable(services);
    try {
      const result = await dispatch(handlers, 'flow.compute', { frame1Path: a, frame2Path: b, preset: 'fast', outPath: join(dir, 'api.flo') }, { transport: 'direct' });
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.data).toMatchObject({ width: 96, height: 96, outPath: join(dir, 'api.flo') });
      expect(existsSync(join(dir, 'api.flo'))).toBe(true);
      const missing = await dispatch(handlers, 'flow.compute', { frame1Path: a, frame2Path: b, model: '/nowhere' }, { transport: 'direct' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'MODEL_MISSING' } });
    } finally {
      await services.flow.dispose();
    }
  });
});
