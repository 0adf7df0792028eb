import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { join } from 'node:path';
import { analyzeImage, detectFaces } from '../../src/main/inference/face/analyze';
import { windowFromDetection } from '../../src/main/inference/face/facemesh';
import { FaceService } from '../../src/main/inference/face/service';
import { packageDir } from '../../src/main/inference/manifest';
import { loadGraphModel } from '../../src/main/inference/onnx/tfjs/model-json';
import type { FrameSequence, RgbImage } from '../../src/main/media/image';
import { packageRoot } from '../../src/main/paths';
import { median, quantile, time, type Benchmark } from '../harness';

/**
 * Face stage speed on 640×480 frames made from a shipped sample photo (a face moving and
 * growing a few px per frame): detector and FaceMesh latency per frame, and whole-clip
 * tracking throughput (frames pre-decoded, so decoding is not counted). Peer: the
 * original TF.js FaceMesh graph on @tensorflow/tfjs's pure-JS CPU backend.
 */
const WIDTH = 640;
const HEIGHT = 480;

async function frame(photo: Buffer, i: number): Promise<RgbImage> {
  const size = 300 + 2 * (i % 30);
  const face = await sharp(photo).resize(size, size).png().toBuffer();
  const { data } = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 20, g: 20, b: 20 } } })
    .composite([{ input: face, left: 100 + 3 * (i % 40), top: 40 + (i % 20) }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: WIDTH, height: HEIGHT, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export const faceBenchmark: Benchmark = {
  name: 'face',
  description: 'BlazeFace + FaceMesh latency per 640×480 frame and clip tracking fps (ONNX Runtime CPU) vs. TF.js CPU FaceMesh',
  async run({ reps = 100, log }) {
    const samples = join(packageDir('@vladmandic/face-api') as string, 'demo');
    const photo = await sharp(join(samples, 'sample3.jpg')).extract({ left: 440, top: 240, width: 500, height: 500 }).png().toBuffer();
    const clipLength = Math.max(reps, 60);
    log(`building a ${clipLength}-frame ${WIDTH}×${HEIGHT} clip`);
    const frames = await Promise.all(Array.from({ length: clipLength }, (_, i) => frame(photo, i)));
    const first = frames[0] as RgbImage;
    const service = new FaceService(join(packageRoot(), 'models'));
    try {
      const models = await service.models();
      const [front, back] = models.detectors;
      const detection = (await detectFaces(models, first))[0];
      if (!detection) throw new Error('the benchmark face was not detected');
      const window = windowFromDetection(detection);
      const rows = [
        { case: '640×480 frame', method: 'BlazeFace front-128 (preprocess+run+decode)', samples: await time(() => front!.detect(first), reps, 5) },
        { case: '640×480 frame', method: 'BlazeFace back-256 (preprocess+run+decode)', samples: await time(() => back!.detect(first), reps, 5) },
        { case: '640×480 frame', method: 'FaceMesh 192 ONNX (crop+run+map)', samples: await time(() => models.mesh.run(first, window), reps, 5) },
        { case: '640×480 frame', method: 'detect+mesh+ROIs, both detectors', samples: await time(() => analyzeImage(models, first, 0), Math.ceil(reps / 2), 3) },
      ];
      const clip: FrameSequence = { frameCount: clipLength, fps: 30, width: WIDTH, height: HEIGHT, read: async (i) => frames[i] as RgbImage };
      // Per-frame latency from the tracker's own callback; throughput from whole-clip time.
      const perFrame: number[] = [];
      const clipMs: number[] = [];
      let lost = 0;
      let redetections = 0;
      for (let run = 0; run < 3; run += 1) {
        const start = performance.now();
        let last = start;
        const track = await service.track(clip, {
          onFrame: () => {
            const now = performance.now();
            perFrame.push(now - last);
            last = now;
          },
        });
        clipMs.push(performance.now() - start);
        lost = track.lostFrames.length;
        redetections = track.frames.filter((f) => f.redetected).length;
      }
      const bestClip = Math.min(...clipMs);
      rows.push({
        case: `${clipLength}-frame clip`,
        method: 'tracker (mesh from previous landmarks), ms per frame',
        samples: perFrame,
        metrics: {
          fps: Math.round((1000 * clipLength) / median(clipMs)),
          fpsBestRun: Math.round((1000 * clipLength) / bestClip),
          // The least-contended tenth of frames: what the tracker does when it has a core to itself.
          fpsAtP10Latency: Math.round(1000 / quantile(perFrame, 0.1)),
          lostFrames: lost,
          redetections,
          goalFps: 100,
        },
      } as (typeof rows)[number]);
      rows.push(await tfjsPeer(first, window, Math.min(reps, 10)));
      return rows;
    } finally {
      await service.dispose();
    }
  },
};

/** The same FaceMesh as TF.js runs it without native bindings (what a browser-free JS port would get). */
async function tfjsPeer(image: RgbImage, window: ReturnType<typeof windowFromDetection>, reps: number) {
  await tf.setBackend('cpu');
  const loaded = await loadGraphModel(join(packageDir('@vladmandic/human') as string, 'models', 'facemesh.json'));
  const model = await tf.loadGraphModel({
    load: async () => ({
      modelTopology: loaded.json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: loaded.json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: loaded.weightData,
    }),
  });
  const { cropToTensor } = await import('../../src/main/inference/face/warp');
  const input = new Float32Array(192 * 192 * 3);
  const samples = await time(() => {
    cropToTensor(image, window, 192, 1 / 255, 0, input);
    const x = tf.tensor(input, [1, 192, 192, 3]);
    const out = model.execute(x) as tf.Tensor[];
    out.forEach((t) => t.dataSync());
    tf.dispose([x, ...out]);
  }, reps, 1);
  model.dispose();
  return { case: '640×480 frame', method: 'peer: FaceMesh TF.js graph, @tensorflow/tfjs CPU backend (pure JS)', samples };
}
