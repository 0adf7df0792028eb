/**
 * The mp4/mov sample table read in-process must say what ffprobe says, fact for fact, on
 * every kind of file the project makes and on odd ones, or leave the file to ffprobe.
 * Hostile boxes (truncated, looping, oversized, lying) end in a BoxError, never a hang or
 * a read past the file, and the probe then falls back to ffprobe.
 */
import { closeSync, copyFileSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxError, readMovieBox } from '../../src/main/media/iso-bmff';
import { readSampleTable } from '../../src/main/media/mp4-sample-table';
import { probeVideo } from '../../src/main/media/probe-video';
import { locateFfprobe } from '../../src/main/media/tools';
import { ffmpeg } from '../helpers/media';

let dir: string;
const SOURCE = 'testsrc=s=96x64:r=25:d=2';

/** Files the table answers: every fact as ffprobe reports it. */
const ANSWERED: Record<string, string[]> = {
  'plain.mp4': ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-g', '12', '-pix_fmt', 'yuv420p'],
  'bframes-long-gop.mp4': ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-bf', '3', '-g', '1000', '-pix_fmt', 'yuv420p'],
  'faststart.mp4': ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-bf', '2', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
  'yuv444.mp4': ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-pix_fmt', 'yuv444p'],
  'full-range.mp4': ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-pix_fmt', 'yuvj420p'],
  'ntsc-rate.mov': ['-f', 'lavfi', '-i', 'testsrc=s=96x64:r=30000/1001:d=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  'with-audio.mp4': ['-f', 'lavfi', '-i', SOURCE, '-f', 'lavfi', '-i', 'sine=d=2', '-c:v', 'libx264', '-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
  'cropped-1080.mp4': ['-f', 'lavfi', '-i', 'testsrc=s=1920x1080:r=25:d=0.2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
};

/** Files left to ffprobe, and why. */
const FALLBACK: Record<string, { args: string[]; why: RegExp }> = {
  'bframes-no-edit-list.mp4': { args: ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-bf', '2', '-pix_fmt', 'yuv420p', '-use_editlist', '0'], why: /after 0 without an edit list/ },
  'monochrome.mp4': { args: ['-f', 'lavfi', '-i', 'testsrc=s=641x479:r=25:d=1,format=gray', '-c:v', 'libx264'], why: /monochrome/ },
  'ten-bit.mp4': { args: ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-pix_fmt', 'yuv420p10le'], why: /10 bits/ },
  'mpeg4.mp4': { args: ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'mpeg4'], why: /codec 'mp4v'/ },
  'mjpeg.mov': { args: ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'mjpeg'], why: /codec/ },
  'variable-rate.mp4': { args: ['-f', 'lavfi', '-i', SOURCE, '-vf', "setpts='if(lt(N,25),N,N*2)/25/TB'", '-fps_mode', 'passthrough', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'], why: /variable rate/ },
  'late-start.mp4': { args: ['-f', 'lavfi', '-i', SOURCE, '-vf', 'setpts=PTS+1/TB', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'], why: /edit list of 2/ },
  'fragmented.mp4': { args: ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', 'frag_keyframe+empty_moov'], why: /fragmented/ },
  'matroska.mkv': { args: ['-f', 'lavfi', '-i', SOURCE, '-c:v', 'libx264', '-pix_fmt', 'yuv420p'], why: /ISO BMFF/ },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-sample-table-'));
  for (const [name, args] of Object.entries({ ...ANSWERED, ...Object.fromEntries(Object.entries(FALLBACK).map(([n, f]) => [n, f.args])) })) ffmpeg([...args, join(dir, name)]);
  ffmpeg(['-i', join(dir, 'plain.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', join(dir, 'rotated-90.mp4')]);
  ffmpeg(['-i', join(dir, 'plain.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=180', join(dir, 'rotated-180.mp4')]);
  // A stream copy from inside a GOP: the edit list hides the frames before the cut.
  ffmpeg(['-ss', '0.5', '-i', join(dir, 'bframes-long-gop.mp4'), '-c', 'copy', join(dir, 'cut-in-gop.mp4')]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function viaFfprobe(path: string) {
  return probeVideo(path, { ffprobe: locateFfprobe(), verify: false });
}

describe('the sample table against ffprobe', () => {
  it.each([...Object.keys(ANSWERED), 'rotated-90.mp4', 'rotated-180.mp4'])('%s: the same facts without starting ffprobe', async (name) => {
    const path = join(dir, name);
    const expected = await viaFfprobe(path);
    const table = await probeVideo(path, { verify: false });
    const { timing, ...facts } = table;
    const { timing: expectedTiming, ...expectedFacts } = expected;
    expect(facts).toEqual(expectedFacts);
    expect(timing.frameTimes).toBeNull();
    // ffprobe prints times to the microsecond.
    expect(Math.abs(timing.startSec - expectedTiming.startSec)).toBeLessThan(1e-6);
    expect(Math.abs(timing.firstFrameSec - expectedTiming.firstFrameSec)).toBeLessThan(1e-6);
    // And it was the table that answered, not a fallback.
    await expect(readSampleTable(path)).resolves.toMatchObject({ frames: expected.frames });
  });

  it.each([...Object.keys(FALLBACK), 'cut-in-gop.mp4'])('%s: left to ffprobe, with the same answer as before', async (name) => {
    const path = join(dir, name);
    const why = FALLBACK[name]?.why ?? /cuts or delays the first frame/;
    await expect(readSampleTable(path)).rejects.toMatchObject({ name: 'BoxError', kind: 'unsupported', message: expect.stringMatching(why) });
    const expected = await viaFfprobe(path);
    expect(await probeVideo(path, { verify: false })).toEqual(expected);
  });
});

/** Offset of the first box of `type` in the movie box of `bytes` (its size field), found by its four characters. */
function boxAt(bytes: Buffer, type: string): number {
  const at = bytes.indexOf(Buffer.from(type, 'latin1'), type === 'moov' ? 0 : bytes.indexOf('moov'));
  if (at < 4) throw new Error(`no ${type} box`);
  return at - 4;
}

/** A copy of the faststart clip with `edit` applied to its bytes. */
function hostile(name: string, edit: (bytes: Buffer) => Buffer): string {
  const bytes = readFileSync(join(dir, 'faststart.mp4'));
  const path = join(dir, `hostile-${name}.mp4`);
  writeFileSync(path, edit(Buffer.from(bytes)));
  return path;
}

describe('hostile boxes', () => {
  const cases: Record<string, { edit: (bytes: Buffer) => Buffer; why: RegExp }> = {
    'truncated inside the movie box': { edit: (b) => b.subarray(0, boxAt(b, 'stsz') + 6), why: /runs past the end of the file/ },
    'a nested box of size 0 (would loop)': { edit: (b) => (b.writeUInt32BE(0, boxAt(b, 'mdia')), b), why: /size 0 inside another box/ },
    'a nested box shorter than its header (would loop)': { edit: (b) => (b.writeUInt32BE(4, boxAt(b, 'stbl')), b), why: /shorter than its header/ },
    'a top-level box shorter than its header': { edit: (b) => (b.writeUInt32BE(3, 0), b), why: /shorter than its header/ },
    'a nested box larger than its parent': { edit: (b) => (b.writeUInt32BE(0x7fffffff, boxAt(b, 'tkhd')), b), why: /runs past its parent/ },
    'a 64-bit movie size of 2^63': { edit: (b) => { const at = boxAt(b, 'moov'); b.writeUInt32BE(1, at); b.writeBigUInt64BE(2n ** 63n, at + 8); return b; }, why: /claims/ },
    // Refused by its count before the table is read: a crafted table of millions of runs costs nothing.
    'a time table claiming 2^31 runs': { edit: (b) => (b.writeUInt32BE(2 ** 31, boxAt(b, 'stts') + 12), b), why: /time table of 2147483648 runs/ },
    'a movie display matrix other than identity (ffmpeg multiplies it into each track matrix)': {
      edit: (b) => (b.writeInt32BE(0, boxAt(b, 'mvhd') + 8 + 36), b),
      why: /movie display matrix/,
    },
    'a first sample that is not a sync sample': { edit: (b) => (b.writeUInt32BE(2, boxAt(b, 'stss') + 16), b), why: /first sample is not a sync sample/ },
    'a negative composition offset (signed, as ffmpeg reads it)': { edit: (b) => (b.writeInt32BE(-4096, boxAt(b, 'ctts') + 20), b), why: /cuts or delays the first frame/ },
    'a size table that disagrees with the time table': { edit: (b) => (b.writeUInt32BE(49, boxAt(b, 'stsz') + 16), b), why: /size table 49/ },
    'a media time scale of 0': { edit: (b) => (b.writeUInt32BE(0, boxAt(b, 'mdhd') + 20), b), why: /time scale 0/ },
    'a sample entry that lies about the picture size': { edit: (b) => (b.writeUInt16BE(97, boxAt(b, 'avc1') + 32), b), why: /sample entry says 97×64/ },
    'a parameter set cut short': { edit: (b) => (b.writeUInt16BE(3, boxAt(b, 'avcC') + 14), b), why: /parameter set/ },
  };

  it.each(Object.keys(cases))('%s: a BoxError, then ffprobe decides', async (name) => {
    const { edit, why } = cases[name] as (typeof cases)[string];
    const path = hostile(name.replace(/\W+/g, '-'), edit);
    const error = await readSampleTable(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoxError);
    expect((error as BoxError).message).toMatch(why);
    // The probe does not fail on the parser: ffprobe answers or refuses in its own words.
    const fallback = await probeVideo(path, { verify: false }).then(
      () => 'accepted',
      (e: { code?: string }) => e.code,
    );
    const direct = await viaFfprobe(path).then(
      () => 'accepted',
      (e: { code?: string }) => e.code,
    );
    expect(fallback).toBe(direct);
  });

  it('never reads the media data: a movie box after 1 GiB of (sparse) media is found by headers alone', async () => {
    const plain = readFileSync(join(dir, 'faststart.mp4'));
    const moovAt = boxAt(plain, 'moov');
    const moovSize = plain.readUInt32BE(moovAt);
    const path = join(dir, 'sparse.mp4');
    copyFileSync(join(dir, 'faststart.mp4'), path);
    const huge = 2 ** 30;
    const header = Buffer.alloc(16);
    header.writeUInt32BE(1, 0);
    header.write('free', 4, 'latin1');
    header.writeBigUInt64BE(BigInt(huge), 8);
    // ftyp, then a 1 GiB free box (a hole on disk), then the movie box.
    const ftypSize = plain.readUInt32BE(0);
    const fd = openSync(path, 'w');
    writeSync(fd, plain.subarray(0, ftypSize), 0, ftypSize, 0);
    writeSync(fd, header, 0, 16, ftypSize);
    writeSync(fd, plain.subarray(moovAt, moovAt + moovSize), 0, moovSize, ftypSize + huge);
    ftruncateSync(fd, ftypSize + huge + moovSize);
    closeSync(fd);
    expect((await readMovieBox(path)).length).toBe(moovSize - 8);
  });
});
