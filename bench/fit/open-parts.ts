/**
 * Where a clip open's time goes, part by part, in this process (no renderer): the probe
 * (ffprobe, or the sample table read in-process, with frame 0's warm ffmpeg loading beside
 * it as `MediaLibrary.open` starts it, or started ahead), frame 0 on that process, the last
 * frame on a second one, and the whole `open()` as the `media.open` channel calls it. Also
 * what each ffprobe question costs alone. Wall ms and the children's CPU ms (from
 * /proc/self/stat), several opens.
 *   node --import tsx bench/fit/open-parts.ts [clip.mp4] [--opens N] [--served]
 * `--served`: the view's open only, then frame 0 as the route serves it, with and without
 * its image prepared at open (alternated).
 * Default clip: the ui bench's 300-frame 640×480 H.264 clip.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { MediaLibrary } from '../../src/main/media/library';
import { probeClip } from '../../src/main/media/probe';
import { probeVideo } from '../../src/main/media/probe-video';
import { decodesOnWarm } from '../../src/main/media/probe-verify';
import { locateFfprobe } from '../../src/main/media/tools';
import { VideoFrameReader } from '../../src/main/media/video-reader';
import { FrameCache } from '../../src/main/media/frame-cache';
import { WarmFfmpeg } from '../../src/main/media/warm-ffmpeg';

const TICK_MS = 10; // USER_HZ 100

/** CPU ms of this process's waited-for children so far (utime + stime). */
function childCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

/**
 * How the probe is answered: ffprobe, or the mp4/mov sample table in this process; and
 * whether frame 0's ffmpeg starts with the open (as `MediaLibrary.open` does) or was
 * started a while before (`prewarmed`: what a pool of idle ffmpegs would give).
 * The last check starts after frame 0, as for the view's open.
 */
type Mode = 'ffprobe' | 'table' | 'table, frame 0 on an ffmpeg started 1.5 s before';

async function parts(path: string, mode: Mode): Promise<Record<string, number>> {
  const ffmpeg = locateFfmpeg().path;
  let first: WarmFfmpeg | null = null;
  if (mode.includes('before')) {
    first = new WarmFfmpeg(ffmpeg);
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  const cpu0 = childCpuMs();
  const start = performance.now();
  first ??= new WarmFfmpeg(ffmpeg);
  const probe = await timed(async () => (mode === 'ffprobe' ? { ...(await probeVideo(path, { ffprobe: locateFfprobe(), verify: false })), kind: 'video' as const } : probeClip(path, {}, false)));
  const media = probe.value;
  if (media.kind !== 'video') throw new Error('a video, please');
  const reader = new VideoFrameReader(media, media.timing, { ffmpeg, cache: new FrameCache(2 ** 28), key: 'parts', started: first });
  const frame0 = await timed(() => reader.read(0));
  const answered = performance.now() - start;
  const lastFrame = await timed(() => decodesOnWarm(new WarmFfmpeg(ffmpeg, true), media, media.timing, media.frames - 1));
  reader.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { probeMs: probe.ms, frame0Ms: frame0.ms, answeredMs: answered, lastFrameMs: lastFrame.ms, childCpuMs: childCpuMs() - cpu0 };
}

async function wholeOpen(path: string, lastFrameLater: boolean): Promise<Record<string, number>> {
  const library = new MediaLibrary();
  const cpu0 = childCpuMs();
  const open = await timed(() => library.open(path, {}, undefined, { lastFrameLater }));
  const frame = await timed(async () => (await library.reader(open.value.clipId)).read(0));
  await library.settled(path);
  library.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { openMs: open.ms, thenFrame0Ms: frame.ms, childCpuMs: childCpuMs() - cpu0 };
}

/**
 * The view's open as the bridge serves it: `media.open` (answered after frame 0, a spare
 * decoder kept as the app keeps one), then, `askAfterMs` later (the renderer's answer →
 * request), frame 0's image as the frame route asks for it. `prepared`: as the library
 * does, frame 0's image encoded from the moment that frame decodes; else that image is
 * dropped and the route encodes its own (as before PreparedFrames).
 */
async function viewOpen(path: string, prepared: boolean, askAfterMs: number): Promise<Record<string, number>> {
  const library = new MediaLibrary({ spareDecoder: true });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const start = performance.now();
  const { clipId } = await library.open(path, {}, undefined, { lastFrameLater: true });
  const answered = performance.now() - start;
  if (!prepared) library.prepared.drop(clipId);
  await new Promise((resolve) => setTimeout(resolve, askAfterMs));
  const asked = performance.now();
  await library.encodeFrame({ clipId, index: 0, format: 'jpg' });
  const served = performance.now() - asked;
  await library.settled(path);
  library.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { answeredMs: answered, askedToServedMs: served, servedMs: answered + askAfterMs + served };
}

/** One ffprobe run with these arguments: wall and CPU ms. */
function ffprobeCost(args: string[]): { ms: number; cpuMs: number } {
  const cpu0 = childCpuMs();
  const start = performance.now();
  const run = spawnSync(locateFfprobe() as string, args);
  if (run.status !== 0) throw new Error(run.stderr.toString());
  return { ms: performance.now() - start, cpuMs: childCpuMs() - cpu0 };
}

const QUESTIONS: Record<string, (path: string) => string[]> = {
  'streams+format+16 frames (as the probe asks)': (p) => ['-v', 'error', '-select_streams', 'V:0', '-read_intervals', '%+#16', '-show_entries', 'stream=codec_name,width,height,pix_fmt,r_frame_rate,avg_frame_rate,nb_frames,duration,start_time:stream_tags=rotate:stream_side_data=rotation:format=format_name,duration,start_time:frame=best_effort_timestamp_time', '-of', 'json', '-i', p],
  'streams+format, no frames': (p) => ['-v', 'error', '-select_streams', 'V:0', '-show_entries', 'stream=codec_name,width,height,pix_fmt,r_frame_rate,avg_frame_rate,nb_frames,duration,start_time:stream_tags=rotate:stream_side_data=rotation:format=format_name,duration,start_time', '-of', 'json', '-i', p],
  'first frame time only (1 frame)': (p) => ['-v', 'error', '-select_streams', 'V:0', '-read_intervals', '%+#1', '-show_entries', 'frame=best_effort_timestamp_time', '-of', 'json', '-i', p],
  'ffprobe -version (process start)': () => ['-version'],
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opensAt = args.indexOf('--opens');
  const opens = opensAt >= 0 ? Number(args[opensAt + 1]) : 5;
  const path = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--opens') ?? join(tmpdir(), 'mellm-bench-ui', 'ui-640x480-300.mp4');
  console.log(`clip ${path}, load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const round = (_k: string, v: unknown) => (typeof v === 'number' ? Math.round(v) : v);
  // Alternated, so the load moves both alike.
  const modes: Mode[] = ['ffprobe', 'table', 'table, frame 0 on an ffmpeg started 1.5 s before'];
  for (let i = 0; i < opens; i += 1) {
    for (const mode of modes) console.log(`parts, ${mode.padEnd(50)}`, JSON.stringify(await parts(path, mode), round));
  }
  if (args.includes('--served')) {
    for (const askAfterMs of [5, 60]) {
      for (let i = 0; i < opens; i += 1) {
        for (const prepared of [false, true]) console.log(`view open, frame 0 asked ${askAfterMs} ms after the answer, ${prepared ? 'prepared at open' : 'encoded when asked'}`.padEnd(78), JSON.stringify(await viewOpen(path, prepared, askAfterMs), round));
      }
    }
    console.log(`load after ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
    return;
  }
  for (let i = 0; i < opens; i += 1) {
    console.log('open() answering after every check', JSON.stringify(await wholeOpen(path, false), round));
    console.log('open() answering after frame 0    ', JSON.stringify(await wholeOpen(path, true), round));
  }
  for (const [name, question] of Object.entries(QUESTIONS)) {
    const runs = Array.from({ length: opens }, () => ffprobeCost(question(path)));
    console.log(`ffprobe ${name}: wall ${runs.map((r) => Math.round(r.ms)).join(' / ')} ms, CPU ${runs.map((r) => r.cpuMs).join(' / ')} ms`);
  }
  console.log(`load after ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
}

void main();
