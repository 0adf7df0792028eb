import * as ort from 'onnxruntime-node';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import { ensureConvertedModel, readGeneratedState } from '../../src/main/inference/onnx/tfjs/generate';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();

function modelsDirWithManifest(): string {
  const dir = tempDir();
  copyFileSync(join(process.cwd(), 'models', 'manifest.json'), join(dir, 'manifest.json'));
  return dir;
}

describe('converted models in models/generated', () => {
  it('converts once, records source version and sha256, then reuses the file', async () => {
    const dir = modelsDirWithManifest();
    const [a, b] = await Promise.all([ensureConvertedModel(dir, 'iris-64'), ensureConvertedModel(dir, 'iris-64')]);
    expect(a).toBe(b);
    expect(a.converted).toBe(true);
    const bytes = readFileSync(join(dir, 'generated', 'iris-64.onnx'));
    const state = await readGeneratedState(dir);
    expect(state.models['iris-64']?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(state.models['iris-64']?.sourceVersion).toMatch(/^\d+\.\d+\.\d+/);
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['input_1']);
    await session.release();
    expect((await ensureConvertedModel(dir, 'iris-64')).converted).toBe(false);
    expect((await ensureConvertedModel(dir, 'iris-64', { force: true })).converted).toBe(true);
  });

  it('mellm models --json converts every TF.js model in the manifest', async () => {
    const dir = modelsDirWithManifest();
    const previous = process.env.MELLM_MODELS_DIR;
    process.env.MELLM_MODELS_DIR = dir;
    const out: string[] = [];
    try {
      expect(await runCli(['models', '--json'], { out: (t) => out.push(t), err: (t) => out.push(t) })).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.MELLM_MODELS_DIR;
      else process.env.MELLM_MODELS_DIR = previous;
    }
    const report = JSON.parse(out.join('\n')) as { models: { id: string; converted: boolean }[] };
    expect(report.models.map((m) => m.id).sort()).toEqual(['emotion-64', 'facemesh-468', 'iris-64']);
    expect(Object.keys((await readGeneratedState(dir)).models).sort()).toEqual(['emotion-64', 'facemesh-468', 'iris-64']);
  });

  it('names an unknown model', async () => {
    await expect(ensureConvertedModel(modelsDirWithManifest(), 'nope')).rejects.toThrow(/"nope"/);
  });
});
