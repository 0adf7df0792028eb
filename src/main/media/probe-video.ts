import { AppError } from '@shared/errors';
import type { MediaInfo } from '@shared/media';
import { locateFfmpeg } from './ffmpeg';
import { BoxError } from './iso-bmff';
import { readSampleTable } from './mp4-sample-table';
import { verifyVideo } from './probe-verify';
import { lastErrorLine, locateFfprobe, runTool } from './tools';

/** Stream facts the reader needs beyond MediaInfo: where the timeline starts. */
export interface VideoTiming {
  /** Container start time in seconds; ffmpeg's input -ss is relative to it. */
  readonly startSec: number;
  /** Timestamp of the first decoded frame (B-frame delay can put it after startSec). */
  readonly firstFrameSec: number;
  /** Presentation time of every frame, only for variable-rate streams (constant rate: first + i/fps). */
  readonly frameTimes: Float64Array | null;
}

type Rotation = MediaInfo['rotation'];

interface ProbeStream {
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  start_time?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}
interface ProbeJson {
  streams?: ProbeStream[];
  frames?: { best_effort_timestamp_time?: string }[];
  format?: { format_name?: string; duration?: string; start_time?: string };
}

function ratio(text: string | undefined): number {
  const [num, den] = (text ?? '').split('/').map(Number);
  const value = den === undefined ? Number(num) : Number(num) / Number(den);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** Clockwise display rotation from a display matrix (counter-clockwise degrees) or the old rotate tag. */
export function normaliseRotation(displayMatrixDeg: number | undefined, rotateTag: string | undefined): Rotation {
  const clockwise = displayMatrixDeg !== undefined ? -displayMatrixDeg : Number(rotateTag ?? 0);
  const quarter = ((Math.round((Number.isFinite(clockwise) ? clockwise : 0) / 90) % 4) + 4) % 4;
  return (quarter * 90) as Rotation;
}

/** Containers whose nb_frames comes from a sample index and is exact. Others get their packets listed. */
const INDEXED_CONTAINERS = /mov|mp4/;

function unreadable(path: string, why: string): AppError {
  return new AppError('MEDIA_UNREADABLE', `Cannot read video ${path}: ${why}`);
}

export interface VideoProbeOptions {
  /**
   * `null` forces the `ffmpeg -i` fallback; a path forces that ffprobe. Default: the
   * sample table of an mp4/mov read in this process, else ffprobe when there is one.
   */
  readonly ffprobe?: string | null;
  /**
   * false: what the container says is returned unchecked, for a caller that runs
   * `verifyVideo` itself (the media library, which decodes frame 0 for display meanwhile).
   */
  readonly verify?: boolean;
}

/** Probes with ffprobe when there is one, then checks the container's claims (`verifyVideo`). */
export async function probeVideo(path: string, options: VideoProbeOptions = {}): Promise<MediaInfo & { timing: VideoTiming }> {
  const info = (options.ffprobe === undefined ? await probeSampleTable(path) : null) ?? (await probeWithTools(path, options.ffprobe === undefined ? locateFfprobe() : options.ffprobe));
  // What the container says is checked against what it holds before the video is accepted.
  if (options.verify !== false) await verifyVideo(info, info.timing);
  return info;
}

async function probeWithTools(path: string, ffprobe: string | null): Promise<MediaInfo & { timing: VideoTiming }> {
  return ffprobe ? probeWithFfprobe(ffprobe, path) : probeWithFfmpeg(path);
}

/**
 * An mp4/mov whose sample table settles every fact (see mp4-sample-table.ts), without
 * starting a process; null sends the file to ffprobe, which also words the reason a
 * damaged file is refused.
 */
async function probeSampleTable(path: string): Promise<(MediaInfo & { timing: VideoTiming }) | null> {
  try {
    const facts = await readSampleTable(path);
    return finish(path, { ...facts, vfr: false });
  } catch (error) {
    // A BoxError says why the table was not used; a read error (permissions, a file
    // replaced meanwhile) is for ffprobe to meet and word.
    if (error instanceof BoxError || (error as NodeJS.ErrnoException).code !== undefined) return null;
    throw error;
  }
}

/**
 * `V`, not `v`: the first video stream that is not an attached picture. An audio file
 * with cover art has only such a picture, which ffprobe reports as a 1-frame "video" at
 * 90000 fps; the decoders map the same stream.
 */
const VIDEO_STREAM = 'V:0';

async function ffprobeJson(ffprobe: string, path: string): Promise<ProbeJson> {
  const entries = 'stream=codec_name,width,height,pix_fmt,r_frame_rate,avg_frame_rate,nb_frames,duration,start_time:stream_tags=rotate:stream_side_data=rotation:format=format_name,duration,start_time';
  // Also decode the first frames to learn the first one's timestamp (B-frame delay shifts it).
  const show = `${entries}:frame=best_effort_timestamp_time`;
  const args = ['-v', 'error', '-select_streams', VIDEO_STREAM, '-read_intervals', '%+#16', '-show_entries', show, '-of', 'json', '-i', path];
  const run = await runTool(ffprobe, args);
  if (run.code !== 0) throw unreadable(path, lastErrorLine(run.stderr, path));
  try {
    return JSON.parse(run.stdout) as ProbeJson;
  } catch {
    throw unreadable(path, 'ffprobe gave no readable answer');
  }
}

async function probeWithFfprobe(ffprobe: string, path: string): Promise<MediaInfo & { timing: VideoTiming }> {
  const json = await ffprobeJson(ffprobe, path);
  const firstFrame = json.frames?.map((f) => Number(f.best_effort_timestamp_time ?? Number.NaN)).find(Number.isFinite) ?? Number.NaN;
  const stream = json.streams?.[0];
  if (!stream) throw unreadable(path, await whyNoVideo(ffprobe, path));
  const indexed = INDEXED_CONTAINERS.test(json.format?.format_name ?? '') && Number(stream.nb_frames) > 0;
  const nominal = ratio(stream.r_frame_rate);
  const average = ratio(stream.avg_frame_rate);
  // mp4/mov: exact count and average rate from the sample table. Others (and mp4 whose
  // average and nominal rates disagree): list every packet's time (demux only, no decode).
  const packets = indexed && !ratesDiffer(nominal, average) ? null : await packetTimes(ffprobe, path);
  const frames = packets ? packets.count : Number(stream.nb_frames);
  // Times are only usable when every packet had one (AVI B-frames may lack both pts and dts).
  const times = packets && packets.times.length === packets.count ? packets.times : null;
  const fps = times && times.length > 1 && (times.at(-1) as number) > (times[0] as number) ? (times.length - 1) / ((times.at(-1) as number) - (times[0] as number)) : average || nominal;
  const durationSec = Number(stream.duration ?? json.format?.duration ?? 0) || 0;
  const rotation = normaliseRotation(stream.side_data_list?.find((s) => s.rotation !== undefined)?.rotation, stream.tags?.rotate);
  const startSec = Number(json.format?.start_time ?? stream.start_time ?? 0) || 0;
  const vfr = times ? unevenlySpaced(times, fps) : false;
  const info = finish(path, {
    codec: stream.codec_name ?? 'unknown',
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    pixelFormat: stream.pix_fmt ?? 'unknown',
    frames,
    fps,
    vfr,
    durationSec,
    rotation,
    startSec,
    firstFrameSec: Number.isFinite(firstFrame) ? firstFrame : startSec,
  });
  return vfr && times ? { ...info, timing: { ...info.timing, frameTimes: times } } : info;
}

/** Why a file without a (non-picture) video stream is not a video, in the user's terms. */
async function whyNoVideo(ffprobe: string, path: string): Promise<string> {
  const run = await runTool(ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type:stream_disposition=attached_pic', '-of', 'json', '-i', path]);
  let streams: { codec_type?: string; disposition?: { attached_pic?: number } }[] = [];
  try {
    streams = (JSON.parse(run.stdout) as { streams?: typeof streams }).streams ?? [];
  } catch {
    // fall through to the plain reason
  }
  return noVideoReason(
    streams.some((s) => s.codec_type === 'audio'),
    streams.some((s) => s.codec_type === 'video' && s.disposition?.attached_pic === 1),
  );
}

function noVideoReason(audio: boolean, picture: boolean): string {
  if (audio && picture) return 'it is audio with a cover picture (cover art), not a video';
  if (audio) return 'it is audio only, not a video';
  if (picture) return 'its only picture is an attached still (cover art), not a video';
  return 'it has no video stream';
}

function ratesDiffer(nominal: number, average: number): boolean {
  return nominal > 0 && average > 0 && Math.abs(nominal - average) / nominal > 0.002;
}

/**
 * Variable rate, in the sense that matters here: some frame is more than a quarter frame
 * away from where a constant rate would put it, so index → time needs the real times.
 */
export function unevenlySpaced(times: Float64Array, fps: number): boolean {
  const first = times[0] ?? 0;
  return times.some((t, i) => Math.abs(t - first - i / fps) > 0.25 / fps);
}

/** How many video packets there are and their sorted presentation times (demux only, no decode). */
async function packetTimes(ffprobe: string, path: string): Promise<{ count: number; times: Float64Array }> {
  const run = await runTool(ffprobe, ['-v', 'error', '-select_streams', VIDEO_STREAM, '-show_entries', 'packet=pts_time,dts_time', '-of', 'csv=p=0', '-i', path]);
  if (run.code !== 0) throw unreadable(path, lastErrorLine(run.stderr, path));
  const lines = run.stdout.split('\n').filter(Boolean);
  const times = lines
    .map((line) => {
      const [pts, dts] = line.split(',');
      return Number(pts === 'N/A' || pts === undefined || pts === '' ? dts : pts);
    })
    .filter(Number.isFinite);
  return { count: lines.length, times: Float64Array.from(times).sort() };
}

interface RawFacts {
  codec: string;
  width: number;
  height: number;
  pixelFormat: string;
  frames: number;
  fps: number;
  vfr: boolean;
  durationSec: number;
  rotation: Rotation;
  startSec: number;
  firstFrameSec: number;
}

function finish(path: string, f: RawFacts): MediaInfo & { timing: VideoTiming } {
  if (!(f.width > 0 && f.height > 0)) throw unreadable(path, 'the video stream has no frame size');
  if (!(f.frames > 0)) throw unreadable(path, 'the video stream has no frames');
  if (!(f.fps > 0)) throw unreadable(path, 'the video stream has no frame rate');
  const quarterTurn = f.rotation === 90 || f.rotation === 270;
  return {
    kind: 'video',
    path,
    frames: f.frames,
    fps: f.fps,
    width: quarterTurn ? f.height : f.width,
    height: quarterTurn ? f.width : f.height,
    durationSec: f.durationSec > 0 ? f.durationSec : f.frames / f.fps,
    codec: f.codec,
    rotation: f.rotation,
    vfr: f.vfr,
    pixelFormat: f.pixelFormat,
    gray: /^(gray|ya8|y4)/.test(f.pixelFormat),
    sequence: null,
    timing: { startSec: f.startSec, firstFrameSec: f.firstFrameSec, frameTimes: null },
  };
}

/** Without ffprobe: parse `ffmpeg -i` and count frames with a stream copy (demux only, no decode). */
async function probeWithFfmpeg(path: string): Promise<MediaInfo & { timing: VideoTiming }> {
  const ffmpeg = locateFfmpeg().path;
  const run = await runTool(ffmpeg, ['-hide_banner', '-nostdin', '-i', path, '-map', `0:${VIDEO_STREAM}`, '-c', 'copy', '-f', 'null', '-']);
  const text = run.stderr;
  const streams = [...text.matchAll(/Stream #0:\d+[^:]*: (Video|Audio): [^\n]*/g)].map((m) => m[0]);
  const line = streams.find((l) => / Video: /.test(l) && !/\(attached pic\)/.test(l));
  const video = line ? /Stream #0:\d+[^:]*: Video: (\w+)[^,]*, (\w+)[^,]*?(?:\([^)]*\))?, (\d+)x(\d+)[^\n]*/.exec(line) : null;
  if (!video) {
    const reason = noVideoReason(streams.some((l) => / Audio: /.test(l)), streams.some((l) => /\(attached pic\)/.test(l)));
    throw unreadable(path, /Stream #/.test(text) ? reason : lastErrorLine(text, path));
  }
  // The demuxer's word for an index pointing past the end of the file.
  if (/partial file/.test(text)) throw unreadable(path, 'the file is truncated (its index lists data beyond its end)');
  const clock = /Duration: (\d+):(\d+):([\d.]+)/.exec(text);
  const counted = [...text.matchAll(/frame=\s*(\d+)/g)].at(-1);
  const startSec = Number(/start: (-?[\d.]+)/.exec(text)?.[1] ?? 0) || 0;
  const rotate = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(text) ?? /rotate\s*:\s*(-?\d+)/.exec(text);
  return finish(path, {
    codec: video[1] ?? 'unknown',
    pixelFormat: video[2] ?? 'unknown',
    width: Number(video[3]),
    height: Number(video[4]),
    frames: Number(counted?.[1] ?? 0),
    fps: ratio(/([\d.]+) fps/.exec(video[0])?.[1]),
    vfr: ratesDiffer(ratio(/([\d.]+k?) tbr/.exec(video[0])?.[1]), ratio(/([\d.]+) fps/.exec(video[0])?.[1])),
    durationSec: clock ? Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]) : 0,
    rotation: rotate?.[0].startsWith('display') ? normaliseRotation(Number(rotate[1]), undefined) : normaliseRotation(undefined, rotate?.[1]),
    startSec,
    firstFrameSec: startSec + (await firstFrameOffset(ffmpeg, path)),
  });
}

/** Seconds from the container start to the first decoded frame (showinfo sees start-relative times). */
async function firstFrameOffset(ffmpeg: string, path: string): Promise<number> {
  const run = await runTool(ffmpeg, ['-hide_banner', '-nostdin', '-i', path, '-map', `0:${VIDEO_STREAM}`, '-frames:v', '1', '-vf', 'showinfo', '-f', 'null', '-']);
  const offset = Number(/pts_time:\s*(-?[\d.]+)/.exec(run.stderr)?.[1]);
  return Number.isFinite(offset) ? offset : 0;
}
