import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/main/media/image';
import { packageDir } from '../../src/main/inference/manifest';
import { SessionCache, ortSessionOptions, type ModelSessionOptions } from '../../src/main/inference/onnx/session';
import { FlowService } from '../../src/main/inference/flow/service';
import { displacements, warpedPair } from '../../src/main/inference/flow/synthetic';
import { VariationalFlowModel } from '../../src/main/inference/flow/variational';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();

describe('ONNX Runtime session options', () => {
  it('turns pool spinning off only when asked (the node binding nests the config keys)', () => {
    expect(ortSessionOptions({ intraOpThreads: 2 }).extra).toBeUndefined();
    expect(ortSessionOptions({ allowSpinning: true }).extra).toBeUndefined();
    expect(ortSessionOptions({ intraOpThreads: 2, allowSpinning: false }, { graphOptimizationLevel: 'extended' })).toEqual({
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'extended',
      intraOpNumThreads: 2,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  });

  it('leaves the memory pattern on unless a model turns it off', () => {
    expect(ortSessionOptions({}).enableMemPattern).toBeUndefined();
    expect(ortSessionOptions({}, { memoryPattern: true }).enableMemPattern).toBeUndefined();
    expect(ortSessionOptions({}, { memoryPattern: false }).enableMemPattern).toBe(false);
  });

  it('the flow service creates its sessions without spinning, whatever its thread count', async () => {
    for (const service of [new FlowService(tempDir()), new FlowService(tempDir(), { intraOpThreads: 2 })]) {
      expect(service.sessionOptions.allowSpinning).toBe(false);
      await service.dispose();
    }
    expect(new FlowService(tempDir(), { intraOpThreads: 2 }).sessionOptions.intraOpThreads).toBe(2);
  });

  describe('on a real flow', () => {
    /** Records what each model asks for; `withPattern` creates its sessions with a memory pattern whatever was asked. */
    class RecordingCache extends SessionCache {
      readonly asked: ModelSessionOptions[] = [];
      constructor(private readonly withPattern: boolean) {
        super({ intraOpThreads: 1 });
      }
      override get(key: string, source: Parameters<SessionCache['get']>[1], model: ModelSessionOptions = {}) {
        this.asked.push(model);
        return super.get(key, source, this.withPattern ? { ...model, memoryPattern: true } : model);
      }
    }
    const spinning = new SessionCache({ intraOpThreads: 2 });
    const sleeping = new SessionCache({ intraOpThreads: 2, allowSpinning: false });
    afterAll(async () => {
      await spinning.dispose();
      await sleeping.dispose();
    });
    let pair: { frame1: GrayImage; frame2: GrayImage };
    beforeAll(async () => {
      const photo = join(packageDir('@vladmandic/face-api') as string, 'demo/sample3.jpg');
      const { data, info } = await sharp(photo).resize(96, 80, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
      const frame1: GrayImage = { width: info.width, height: info.height, channels: 1, data: new Uint8Array(data) };
      pair = { frame1, frame2: warpedPair(frame1, displacements.translation(0.6, -0.4)).frame2 };
    });

    it('ONNX Runtime accepts the config entries and the flow is the same bits', async () => {
      const models = tempDir();
      const a = await new VariationalFlowModel(spinning, models, 'fast').estimate(pair.frame1, pair.frame2);
      const b = await new VariationalFlowModel(sleeping, models, 'fast').estimate(pair.frame1, pair.frame2);
      expect(sleeping.created).toBeGreaterThan(0);
      expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(true);
    });

    it('the flow asks for its sessions without a memory pattern, and gets the same bits as with one', async () => {
      const without = new RecordingCache(false);
      const withPattern = new RecordingCache(true);
      try {
        const models = tempDir();
        const a = await new VariationalFlowModel(withPattern, models, 'fast').estimate(pair.frame1, pair.frame2);
        const b = await new VariationalFlowModel(without, models, 'fast').estimate(pair.frame1, pair.frame2);
        expect(without.asked.length).toBeGreaterThan(0);
        expect(without.asked.every((asked) => asked.memoryPattern === false)).toBe(true);
        expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(true);
      } finally {
        await without.dispose();
        await withPattern.dispose();
      }
    });
  });
});
