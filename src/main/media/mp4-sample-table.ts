import type { MediaInfo } from '@shared/media';
import { h264PixelFormat, parseH264Sps } from './h264-sps';
import { BoxReader, child, children, malformed, readMovieBox, required, unsupported, type Box } from './iso-bmff';

/**
 * What the open needs of an mp4/mov video, read from its sample table in this process
 * instead of from ffprobe (whose start alone costs ≈ 200 ms of CPU). Only layouts where
 * every fact is settled exactly as ffprobe reports it are answered; anything else throws a
 * BoxError and the caller asks ffprobe, as for other containers.
 */
export interface SampleTableFacts {
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  readonly pixelFormat: string;
  readonly frames: number;
  readonly fps: number;
  readonly durationSec: number;
  readonly rotation: MediaInfo['rotation'];
  readonly startSec: number;
  readonly firstFrameSec: number;
}

/** Samples whose presentation times are compared for the first frame (ffprobe decodes 16). */
const FIRST_SAMPLES = 16;
/** Nominal and average rates further apart than this send ffprobe to list every packet. */
const RATE_TOLERANCE = 0.002;

interface Track {
  readonly handler: string;
  readonly trak: Box;
  readonly stbl: Box;
  readonly timescale: number;
  readonly mediaDuration: number;
}

function fullBoxVersion(reader: BoxReader): number {
  return reader.u8(0);
}

function trackOf(moov: Uint8Array, trak: Box): Track {
  const mdia = required(moov, trak, 'mdia');
  const hdlr = new BoxReader(moov, required(moov, mdia, 'hdlr'));
  const handler = String.fromCharCode(hdlr.u8(8), hdlr.u8(9), hdlr.u8(10), hdlr.u8(11));
  const mdhd = new BoxReader(moov, required(moov, mdia, 'mdhd'));
  const v1 = fullBoxVersion(mdhd) === 1;
  const timescale = mdhd.u32(v1 ? 20 : 12);
  const mediaDuration = v1 ? mdhd.u64(24) : mdhd.u32(16);
  if (timescale === 0) throw malformed('a track has time scale 0');
  const stbl = required(moov, required(moov, mdia, 'minf'), 'stbl');
  return { handler, trak, stbl, timescale, mediaDuration };
}

/** The edit list's entries: [segment duration (movie time scale), media time, rate]. */
function editList(moov: Uint8Array, trak: Box): { duration: number; mediaTime: number; rate: number }[] {
  const edts = child(moov, trak, 'edts');
  const elstBox = edts && child(moov, edts, 'elst');
  if (!elstBox) return [];
  const elst = new BoxReader(moov, elstBox);
  const v1 = fullBoxVersion(elst) === 1;
  const count = elst.u32(4);
  const width = v1 ? 20 : 12;
  elst.table(8, count, width);
  if (count > 8) throw unsupported(`an edit list of ${count} entries`);
  return Array.from({ length: count }, (_, i) => {
    const at = 8 + i * width;
    return v1
      ? { duration: elst.u64(at), mediaTime: elst.i64(at + 8), rate: elst.i32(at + 16) }
      : { duration: elst.u32(at), mediaTime: elst.i32(at + 4), rate: elst.i32(at + 8) };
  });
}

/** Decode-time deltas as run-length entries [count, delta]. */
function timeToSample(moov: Uint8Array, stbl: Box): [number, number][] {
  const stts = new BoxReader(moov, required(moov, stbl, 'stts'));
  const count = stts.u32(4);
  // Only a constant rate is answered here (see ratesOf): a longer table is refused before
  // it is read, so a crafted table of millions of runs costs nothing.
  if (count > 2) throw unsupported(`a time table of ${count} runs (variable rate)`);
  stts.table(8, count, 8);
  return Array.from({ length: count }, (_, i) => [stts.u32(8 + i * 8), stts.u32(12 + i * 8)] as [number, number]);
}

/** Composition offsets of the first `wanted` samples and the least offset of all (0 without ctts). */
function compositionOffsets(moov: Uint8Array, stbl: Box, wanted: number): { first: number[]; least: number } {
  const box = child(moov, stbl, 'ctts');
  if (!box) return { first: Array.from({ length: wanted }, () => 0), least: 0 };
  const ctts = new BoxReader(moov, box);
  const count = ctts.u32(4);
  ctts.table(8, count, 8);
  const first: number[] = [];
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i += 1) {
    const samples = ctts.u32(8 + i * 8);
    // Signed in either version, as ffmpeg's demuxer reads them.
    const offset = ctts.i32(12 + i * 8);
    if (samples > 0) least = Math.min(least, offset);
    for (let k = 0; k < samples && first.length < wanted; k += 1) first.push(offset);
  }
  if (first.length < wanted) throw malformed('the composition offsets cover fewer samples than the track has');
  return { first, least: Number.isFinite(least) ? least : 0 };
}

/** Clockwise quarter turns from a track's display matrix; anything but a plain quarter turn is left to ffprobe. */
function rotationOf(moov: Uint8Array, trak: Box): MediaInfo['rotation'] {
  const tkhd = new BoxReader(moov, required(moov, trak, 'tkhd'));
  const at = fullBoxVersion(tkhd) === 1 ? 52 : 40;
  const [a, b, u, c, d, v, x, y, w] = Array.from({ length: 9 }, (_, i) => tkhd.i32(at + i * 4)) as number[] as [number, number, number, number, number, number, number, number, number];
  const one = 0x10000;
  if (u !== 0 || v !== 0 || w !== 0x40000000 || x !== 0 || y !== 0) throw unsupported('a display matrix with translation or perspective');
  if (a === one && b === 0 && c === 0 && d === one) return 0;
  if (a === 0 && b === one && c === -one && d === 0) return 90;
  if (a === -one && b === 0 && c === 0 && d === -one) return 180;
  if (a === 0 && b === -one && c === one && d === 0) return 270;
  throw unsupported('a display matrix that is not a plain quarter turn');
}

function movieTimescale(moov: Uint8Array): number {
  const mvhd = new BoxReader(moov, required(moov, { type: 'moov', start: 0, end: moov.length }, 'mvhd'));
  const v1 = fullBoxVersion(mvhd) === 1;
  const timescale = mvhd.u32(v1 ? 20 : 12);
  if (timescale === 0) throw malformed('the movie has time scale 0');
  // ffmpeg multiplies the movie's matrix into each track's: only an identity one leaves the track's rotation as read.
  const at = v1 ? 48 : 36;
  const identity = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
  if (identity.some((value, i) => mvhd.i32(at + i * 4) !== value)) throw unsupported('a movie display matrix other than identity');
  return timescale;
}

/** The decoder outputs from the first sync sample on: a track whose first sample is not one would shift frame 0. */
function firstSampleIsSync(moov: Uint8Array, stbl: Box): void {
  const box = child(moov, stbl, 'stss');
  if (!box) return; // every sample is a sync sample
  const stss = new BoxReader(moov, box);
  const count = stss.u32(4);
  stss.table(8, count, 4);
  if (count === 0 || stss.u32(8) !== 1) throw unsupported('the first sample is not a sync sample');
}

/** Codec, size and pixel format from the sample description: H.264 only, cross-checked with its SPS. */
function pictureOf(moov: Uint8Array, stbl: Box): { codec: string; width: number; height: number; pixelFormat: string } {
  const stsd = required(moov, stbl, 'stsd');
  const head = new BoxReader(moov, stsd);
  if (head.u32(4) !== 1) throw unsupported('more than one sample description');
  const [entry] = children(moov, stsd.start + 8, stsd.end);
  if (!entry) throw malformed('an empty sample description');
  if (entry.type !== 'avc1' && entry.type !== 'avc3') throw unsupported(`codec '${entry.type.replace(/[^\x20-\x7e]/g, '?')}'`);
  const visual = new BoxReader(moov, entry);
  const width = visual.u16(24);
  const height = visual.u16(26);
  // A visual sample entry's boxes follow its 78 fixed bytes.
  if (entry.end - entry.start < 78) throw malformed('a visual sample entry shorter than 78 bytes');
  const avcC = children(moov, entry.start + 78, entry.end).find((box) => box.type === 'avcC');
  if (!avcC) throw malformed('an H.264 sample entry without avcC');
  const config = new BoxReader(moov, avcC);
  const spsCount = config.u8(5) & 0x1f;
  if (spsCount !== 1) throw unsupported(`${spsCount} H.264 sequence parameter sets`);
  const spsLength = config.u16(6);
  config.table(8, spsLength, 1);
  const picture = parseH264Sps(moov.subarray(avcC.start + 8, avcC.start + 8 + spsLength));
  if (picture.width !== width || picture.height !== height) {
    throw unsupported(`the sample entry says ${width}×${height}, the H.264 parameters ${picture.width}×${picture.height}`);
  }
  return { codec: 'h264', width, height, pixelFormat: h264PixelFormat(picture) };
}

/**
 * Where a track's first frame is presented (in its time scale, edits applied), as ffmpeg's
 * mov demuxer puts it: no edit list with the first frame at 0, or one edit that starts at
 * the first presented frame and runs to the last; anything else is left to ffprobe.
 */
function firstPresentation(moov: Uint8Array, track: Track, movieScale: number, offsets: { first: number[]; least: number }, deltas: [number, number][]): number {
  let dts = 0;
  let firstPts = Number.POSITIVE_INFINITY;
  const steps = deltas.flatMap(([count, delta]) => Array.from({ length: Math.min(count, FIRST_SAMPLES) }, () => delta)).slice(0, FIRST_SAMPLES);
  offsets.first.forEach((offset, i) => {
    firstPts = Math.min(firstPts, dts + offset);
    dts += steps[i] ?? 0;
  });
  // Samples after these decode no earlier than `dts`: none can be presented before firstPts.
  if (dts + offsets.least < firstPts) throw unsupported('a frame past the first 16 is presented first');
  const edits = editList(moov, track.trak);
  if (edits.length === 0) {
    if (firstPts !== 0) throw unsupported('the first frame is presented after 0 without an edit list');
    return 0;
  }
  if (edits.length !== 1) throw unsupported(`an edit list of ${edits.length} entries`);
  const [edit] = edits as [{ duration: number; mediaTime: number; rate: number }];
  if (edit.rate !== 0x10000) throw unsupported('an edit at a rate other than 1');
  if (edit.mediaTime !== firstPts) throw unsupported('an edit list that cuts or delays the first frame');
  const span = deltas.reduce((sum, [count, delta]) => sum + count * delta, 0);
  const edited = (edit.duration * track.timescale) / movieScale;
  const frame = span / Math.max(1, deltas.reduce((sum, [count]) => sum + count, 0));
  if (Math.abs(edited - span) > frame / 2) throw unsupported('an edit list that cuts the end');
  return 0;
}

/**
 * The facts of an mp4/mov file's one video track from its sample table, or a BoxError
 * (then ffprobe is asked). Audio tracks are allowed when they start at 0; other tracks
 * (timecode, text, metadata) are left to ffprobe, which counts their start times too.
 */
export async function readSampleTable(path: string): Promise<SampleTableFacts> {
  const moov = await readMovieBox(path);
  const movie: Box = { type: 'moov', start: 0, end: moov.length };
  const boxes = children(moov, movie.start, movie.end);
  if (boxes.some((box) => box.type === 'mvex')) throw unsupported('the file is fragmented (movie extends)');
  const scale = movieTimescale(moov);
  const tracks = boxes.filter((box) => box.type === 'trak').map((trak) => trackOf(moov, trak));
  const videos = tracks.filter((track) => track.handler === 'vide');
  if (videos.length !== 1) throw unsupported(`${videos.length} video tracks`);
  for (const track of tracks) {
    if (track.handler !== 'vide' && track.handler !== 'soun') throw unsupported(`a '${track.handler.replace(/[^\x20-\x7e]/g, '?')}' track`);
    if (track.handler === 'soun') audioStartsAtZero(moov, track);
  }
  const video = videos[0] as Track;
  const picture = pictureOf(moov, video.stbl);
  firstSampleIsSync(moov, video.stbl);
  const deltas = timeToSample(moov, video.stbl);
  const frames = deltas.reduce((sum, [count]) => sum + count, 0);
  const stsz = new BoxReader(moov, required(moov, video.stbl, 'stsz'));
  if (frames === 0 || stsz.u32(8) !== frames) throw unsupported(`the time table lists ${frames} samples, the size table ${stsz.u32(8)}`);
  const rates = ratesOf(deltas, frames, video.timescale);
  const offsets = compositionOffsets(moov, video.stbl, Math.min(frames, FIRST_SAMPLES));
  const first = firstPresentation(moov, video, scale, offsets, deltas);
  const edits = editList(moov, video.trak);
  const durationSec = edits.length === 1 ? (edits[0] as { duration: number }).duration / scale : video.mediaDuration / video.timescale;
  return { ...picture, frames, fps: rates, durationSec, rotation: rotationOf(moov, video.trak), startSec: first / video.timescale, firstFrameSec: first / video.timescale };
}

/**
 * The average rate (samples over their total duration), when the nominal one (the first
 * delta) agrees with it: a constant-rate table, or one whose last sample alone differs.
 */
function ratesOf(deltas: [number, number][], frames: number, timescale: number): number {
  const constant = deltas.length === 1 || (deltas.length === 2 && deltas[1]?.[0] === 1);
  if (!constant) throw unsupported(`a time table of ${deltas.length} runs (variable rate)`);
  const span = deltas.reduce((sum, [count, delta]) => sum + count * delta, 0);
  const nominalDelta = (deltas[0] as [number, number])[1];
  if (span === 0 || nominalDelta === 0) throw malformed('a time table with zero durations');
  const average = (timescale * frames) / span;
  const nominal = timescale / nominalDelta;
  if (Math.abs(nominal - average) / nominal > RATE_TOLERANCE) throw unsupported('nominal and average rates differ');
  return average;
}

/** An audio track starts at 0 without an edit list, or with one edit from a media time ≥ 0 (priming skipped). */
function audioStartsAtZero(moov: Uint8Array, track: Track): void {
  const edits = editList(moov, track.trak);
  if (edits.length > 1 || (edits[0] && (edits[0].mediaTime < 0 || edits[0].rate !== 0x10000))) throw unsupported('an audio track with an edited start');
  if (child(moov, track.stbl, 'ctts')) throw unsupported('an audio track with composition offsets');
}
