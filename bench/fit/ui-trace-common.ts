/**
 * What the renderer trace scripts (open-trace.ts, step-trace.ts) share: their numeric
 * options, the trace event shape, and the ui bench's 300-frame 640×480 clip.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export const args = process.argv.slice(2);

/** `--name N` from the command line, else `fallback`. */
export const opt = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};

export interface TraceEvent {
  readonly name: string;
  readonly cat?: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { name?: string; data?: Record<string, unknown> };
}

/** The ui bench's 300-frame 640×480 H.264 clip (GOP 30), generated once into the OS temp dir. */
export function benchClip(): string {
  const path = join(tmpdir(), 'mellm-bench-ui', 'ui-640x480-300.mp4');
  if (!existsSync(path)) {
    const run = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=30', '-frames:v', '300', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', path]);
    if (run.status !== 0) throw new Error(run.stderr.toString());
  }
  return path;
}
