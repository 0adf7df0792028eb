import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { packageDir } from '../../src/main/inference/manifest';
import { readFlo, writeFlo } from '../../src/main/inference/flow/flo';
import { randomScene, renderLayeredPair, type DisplacementBand, type Texture } from '../../src/main/inference/flow/layered-pairs';
import type { FlowField } from '../../src/main/inference/flow/types';
import { writeFileAtomic } from '../../src/main/util/atomic-write';

/**
 * The generated hard flow pairs (layered real photos with occlusions, see
 * layered-pairs.ts): 640×480, three displacement bands, a fitting set of seeds (the
 * presets are tuned on it) and a held-out set (reported, never tuned on). Generated once
 * into the OS temp folder; the folder name carries a version so a generator change
 * regenerates.
 */
export const HARD_PAIR_SEEDS = { fit: [1, 2, 3, 4, 5], heldOut: [101, 102, 103, 104, 105] } as const;
export const HARD_PAIR_BANDS: readonly DisplacementBand[] = ['small', 'medium', 'large'];
const VERSION = 1;
const WIDTH = 640;
const HEIGHT = 480;
const MARGIN = 80;

export interface HardPair {
  readonly name: string;
  readonly band: DisplacementBand;
  readonly seed: number;
  readonly set: 'fit' | 'held-out';
  readonly frame1: string;
  readonly frame2: string;
  readonly truth: FlowField;
  /** 1 where the frame-1 pixel is occluded or leaves the frame in frame 2. */
  readonly occluded: Uint8Array;
}

/** Real photos the npm packages ship (MIT): the face-api demo images and human's sample sheet. */
function photoPaths(): string[] {
  const faceApi = packageDir('@vladmandic/face-api');
  const human = packageDir('@vladmandic/human');
  const paths = [
    ...(faceApi ? [1, 2, 3, 4, 5, 6].map((i) => join(faceApi, 'demo', `sample${i}.jpg`)) : []),
    ...(human ? [join(human, 'assets', 'samples.jpg')] : []),
  ];
  return paths.filter(existsSync);
}

async function loadTexture(path: string): Promise<Texture> {
  const width = WIDTH + 2 * MARGIN;
  const height = HEIGHT + 2 * MARGIN;
  const { data } = await sharp(path).resize(width, height, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { width, height, data: Float32Array.from(data) };
}

async function writeGrayPng(path: string, data: Uint8Array): Promise<void> {
  const png = await sharp(Buffer.from(data), { raw: { width: WIDTH, height: HEIGHT, channels: 1 } }).png().toBuffer();
  await writeFileAtomic(path, png, 0o644);
}

/** Every hard pair of the given sets, generated on first use. */
export async function hardPairs(sets: readonly ('fit' | 'held-out')[] = ['fit', 'held-out']): Promise<HardPair[]> {
  const photos = photoPaths();
  if (photos.length < 2) return [];
  const root = join(tmpdir(), `mellm-flow-hard-pairs-v${VERSION}`);
  let textures: Texture[] | null = null;
  const pairs: HardPair[] = [];
  for (const set of sets) {
    for (const seed of set === 'fit' ? HARD_PAIR_SEEDS.fit : HARD_PAIR_SEEDS.heldOut) {
      for (const band of HARD_PAIR_BANDS) {
        const name = `${band}-${seed}`;
        const dir = join(root, name);
        const files = { frame1: join(dir, 'frame1.png'), frame2: join(dir, 'frame2.png'), truth: join(dir, 'truth.flo'), occluded: join(dir, 'occluded.bin') };
        if (!existsSync(files.occluded)) {
          textures ??= await Promise.all(photos.map(loadTexture));
          const pair = renderLayeredPair(randomScene(band, seed, textures.length, WIDTH, HEIGHT, MARGIN), textures);
          await mkdir(dir, { recursive: true });
          await writeGrayPng(files.frame1, pair.frame1);
          await writeGrayPng(files.frame2, pair.frame2);
          await writeFlo(files.truth, pair.truth);
          await writeFileAtomic(files.occluded, pair.occluded, 0o644);
        }
        const occluded = new Uint8Array(await readFile(files.occluded));
        pairs.push({ name, band, seed, set, frame1: files.frame1, frame2: files.frame2, truth: await readFlo(files.truth), occluded });
      }
    }
  }
  return pairs;
}

/** Mean EPE over all pixels, the non-occluded ones and the occluded ones. */
export function maskedEndPointErrors(estimate: FlowField, truth: FlowField, occluded: Uint8Array): { all: number; visible: number; occluded: number } {
  const plane = truth.width * truth.height;
  const sums = [0, 0];
  const counts = [0, 0];
  for (let i = 0; i < plane; i += 1) {
    const e = Math.hypot((estimate.data[i] as number) - (truth.data[i] as number), (estimate.data[plane + i] as number) - (truth.data[plane + i] as number));
    const k = occluded[i] ? 1 : 0;
    sums[k]! += e;
    counts[k]! += 1;
  }
  const mean = (s: number, c: number) => (c ? s / c : Number.NaN);
  return { all: mean(sums[0]! + sums[1]!, counts[0]! + counts[1]!), visible: mean(sums[0]!, counts[0]!), occluded: mean(sums[1]!, counts[1]!) };
}
