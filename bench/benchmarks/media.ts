import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { MediaLibrary } from '../../src/main/media/library';
import { createRouter, type Router } from '../../src/main/transport/routes';
import type { BenchRow, Benchmark } from '../harness';

const CACHE = join(tmpdir(), 'mellm-bench-media');
const VIDEO = join(CACHE, 'long-640x480-30fps-600s-g30.mp4');
const LONG_GOP = join(CACHE, 'long-640x480-30fps-600s-g250.mp4');
const SEQUENCE = join(CACHE, 'seq-640x480-200');

/** Generated once per machine (about 20 s of CPU for the video), then reused. */
function ensureMedia(log: (m: string) => void): void {
  mkdirSync(CACHE, { recursive: true });
  const ffmpeg = locateFfmpeg().path;
  const run = (args: string[]) => execFileSync(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
  for (const [path, gop] of [[VIDEO, 30], [LONG_GOP, 250]] as const) {
    if (existsSync(path)) continue;
    log(`generating ${path} (10 min 640×480 30 fps H.264, GOP ${gop}) …`);
    const part = `${path}.part.mp4`;
    run(['-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=30:duration=600', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(gop), '-pix_fmt', 'yuv420p', part]);
    renameSync(part, path);
  }
  if (!existsSync(SEQUENCE) || readdirSync(SEQUENCE).length !== 200) {
    log(`generating ${SEQUENCE} (200 JPEG frames) …`);
    rmSync(SEQUENCE, { recursive: true, force: true });
    mkdirSync(SEQUENCE);
    run(['-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=30', '-frames:v', '200', '-q:v', '3', '-start_number', '1', join(SEQUENCE, 'img%d.jpg')]);
  }
}

/** Deterministic uniform indices, the same for every method. */
function randomIndices(count: number, frames: number, seed = 12345): number[] {
  // mulberry32: the low bits of a plain LCG repeat too soon for small frame counts.
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () => Math.floor(next() * frames));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Fetch {
  readonly label: string;
  get(index: number): Promise<unknown>;
}

async function measureClip(path: string, name: string, reps: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // Open-to-first-frame: a fresh library each time (probe + reader + decode of frame 0).
  const opens: number[] = [];
  for (let i = 0; i < Math.min(reps, 5); i += 1) {
    const fresh = new MediaLibrary({ cacheMB: 256 });
    opens.push(await timed(async () => (await fresh.reader((await fresh.open(path)).clipId)).read(0)));
    fresh.close();
  }
  rows.push({ case: name, method: 'open → first frame (probe + decode)', samples: opens });

  const library = new MediaLibrary({ cacheMB: 512 });
  const { clipId, info } = await library.open(path);
  const reader = await library.reader(clipId);
  const router: Router = createRouter({ rendererDir: tmpdir(), frames: () => library });
  const fetches: Fetch[] = [
    { label: 'reader.read (RGB)', get: (i) => reader.read(i) },
    {
      label: '/frames route (JPEG encode)',
      get: async (i) => {
        const response = await router(`/frames/${clipId}/${i}.jpg`, new URLSearchParams());
        if (response.status !== 200) throw new Error(`route answered ${response.status}`);
      },
    },
  ];
  for (const fetch of fetches) {
    library.cache.setLimit(0);
    library.cache.setLimit(512 * 2 ** 20);
    const random: number[] = [];
    for (const index of randomIndices(reps, info.frames, fetch.label.length)) random.push(await timed(() => fetch.get(index)));
    rows.push({ case: name, method: `random access, ${fetch.label}`, samples: random });

    // Stepping at an annotator's pace (a key press every 40 ms) lets prefetch run between steps.
    const start = Math.floor(info.frames / 3);
    await fetch.get(start);
    const forward: number[] = [];
    let hits = 0;
    for (let k = 1; k <= Math.min(reps, info.frames - start - 1); k += 1) {
      await pause(40);
      if (library.cache.has(`${clipId}:${start + k}`)) hits += 1;
      forward.push(await timed(() => fetch.get(start + k)));
    }
    rows.push({ case: name, method: `step forward, ${fetch.label}`, samples: forward, metrics: { cacheHitRate: hits / forward.length } });

    const back: number[] = [];
    hits = 0;
    const from = Math.floor((info.frames * 2) / 3);
    await fetch.get(from);
    for (let k = 1; k <= Math.min(reps, from); k += 1) {
      await pause(40);
      if (library.cache.has(`${clipId}:${from - k}`)) hits += 1;
      back.push(await timed(() => fetch.get(from - k)));
    }
    rows.push({ case: name, method: `step backward, ${fetch.label}`, samples: back, metrics: { cacheHitRate: hits / back.length } });
  }
  library.close();
  return rows;
}

/** Random access when keyframes are 250 frames apart (x264's default): the decode-forward cost shows. */
async function longGopRandomAccess(reps: number): Promise<BenchRow> {
  const library = new MediaLibrary({ cacheMB: 512 });
  try {
    const { clipId, info } = await library.open(LONG_GOP);
    const reader = await library.reader(clipId);
    const samples: number[] = [];
    for (const index of randomIndices(reps, info.frames, 7)) samples.push(await timed(() => reader.read(index)));
    return { case: 'video 10 min 640×480 30 fps, GOP 250', method: 'random access, reader.read (RGB)', samples };
  } finally {
    library.close();
  }
}

/** OpenCV's VideoCapture seek (CAP_PROP_POS_FRAMES) on the same file: a dev-only peer, if python3-opencv is present. */
function opencvPeer(path: string, frames: number, reps: number, log: (m: string) => void): BenchRow[] {
  const script = [
    'import cv2, json, sys, time',
    'cap = cv2.VideoCapture(sys.argv[1]); out = []',
    'for i in json.loads(sys.argv[2]):',
    '    t = time.perf_counter(); cap.set(cv2.CAP_PROP_POS_FRAMES, i); ok, f = cap.read(); out.append((time.perf_counter() - t) * 1000)',
    '    assert ok',
    'print(json.dumps(out))',
  ].join('\n');
  try {
    const text = execFileSync('/usr/bin/python3', ['-c', script, path, JSON.stringify(randomIndices(reps, frames, 99))], { encoding: 'utf8', timeout: 600_000 });
    return [{ case: 'video 10 min 640×480 30 fps', method: 'peer: OpenCV 4.6 VideoCapture seek+read (not frame-exact-checked)', samples: JSON.parse(text) as number[] }];
  } catch (error) {
    log(`OpenCV peer skipped: ${(error as Error).message.split('\n')[0]}`);
    return [];
  }
}

/** Frame access on a long clinical-style video and a dataset-style JPEG sequence. */
export const mediaBenchmark: Benchmark = {
  name: 'media',
  description: 'frame-exact access: open, random access, stepping from cache, and the /frames route',
  async run({ reps = 100, log }) {
    ensureMedia(log);
    const rows = [
      ...(await measureClip(VIDEO, 'video 10 min 640×480 30 fps', reps)),
      ...opencvPeer(VIDEO, 18_000, reps, log),
      await longGopRandomAccess(Math.max(10, Math.floor(reps / 4))),
      ...(await measureClip(SEQUENCE, 'JPEG sequence 200 × 640×480', reps)),
    ];
    log('targets: random access p95 ≤ 30 ms; sequential step ≤ 5 ms from cache');
    return rows;
  },
};
