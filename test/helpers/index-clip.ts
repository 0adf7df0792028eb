import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The flat colour of frame `index` in an index clip: far apart for neighbouring frames. */
export function indexColour(index: number): [number, number, number] {
  return [(index * 37 + 20) % 256, (index * 91 + 60) % 256, (200 - index * 23 + 2560) % 256];
}

/**
 * Writes a small H.264 clip whose every frame is one flat colour derived from its
 * index (a short GOP so random access is exercised), so a test can tell from any pixel
 * which frame is on screen. Returns the file path.
 */
export function writeIndexClip(dir: string, frames = 60, width = 160, height = 120, fps = 30): string {
  const raw = Buffer.alloc(width * height * 3 * frames);
  for (let i = 0; i < frames; i += 1) {
    const [r, g, b] = indexColour(i);
    for (let p = 0; p < width * height; p += 1) raw.set([r, g, b], (i * width * height + p) * 3);
  }
  const path = join(dir, 'index-clip.mp4');
  const run = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '4', '-g', '12', '-pix_fmt', 'yuv444p', path],
    { input: raw },
  );
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr.toString()}`);
  return path;
}
