import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import type { Image8 } from '../../src/main/media/image';

/**
 * Test media whose frames carry their own index: the left half is grey level
 * 16 + 13·(i mod 16), the right half 16 + 13·⌊i/16⌋. Steps of 13 survive lossy coding,
 * so a decoded frame says which frame it is (up to 208 frames).
 */
export const INDEX_FILTER = "format=gray,geq=lum='if(lt(X,W/2),16+13*mod(N,16),16+13*floor(N/16))'";

/** Runs ffmpeg with an argument array (no shell) and returns its stderr on failure. */
export function ffmpeg(args: string[]): void {
  execFileSync(locateFfmpeg().path, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface IndexedVideo {
  readonly frames: number;
  readonly fps?: number;
  readonly size?: string;
  /** ffmpeg output options: codec, GOP, pixel format … */
  readonly codec: string[];
  /** Extra filter appended after the index filter (e.g. setpts for VFR). */
  readonly filter?: string;
}

/** Encodes a video of index-carrying frames into `dir/name`. */
export function makeIndexedVideo(dir: string, name: string, spec: IndexedVideo): string {
  const path = join(dir, name);
  const source = `color=c=black:s=${spec.size ?? '96x64'}:r=${spec.fps ?? 25}:d=${spec.frames / (spec.fps ?? 25)},format=gray`;
  const filter = [INDEX_FILTER, spec.filter].filter(Boolean).join(',');
  ffmpeg(['-f', 'lavfi', '-i', source, '-vf', filter, '-frames:v', String(spec.frames), ...spec.codec, path]);
  return path;
}

function mean(image: Image8, x0: number, x1: number): number {
  const y0 = Math.floor(image.height / 4);
  const y1 = Math.ceil((image.height * 3) / 4);
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      sum += image.data[(y * image.width + x) * image.channels] as number;
      count += 1;
    }
  }
  return sum / count;
}

/** Reads back the index a frame made by makeIndexedVideo carries (limited- or full-range grey). */
export function frameIndexOf(image: Image8): number {
  const quarter = Math.floor(image.width / 4);
  const left = mean(image, Math.floor(quarter / 2), quarter + Math.floor(quarter / 2));
  const right = mean(image, 2 * quarter + Math.floor(quarter / 2), 3 * quarter + Math.floor(quarter / 2));
  const level = (v: number) => Math.round((v - 16) / 13);
  return level(right) * 16 + level(left);
}
