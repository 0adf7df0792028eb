import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesize } from '../../src/main/analysis/synth/synthesize';
import { FLO_MAGIC as FLO_TAG } from '../../src/main/inference/flow/flo';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { canonicalLandmarks, drawFace } from '../helpers/canonical-face';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-synth-');
const landmarks = canonicalLandmarks(97, 96, 80);
const clip = synthesize({ photo: drawFace(97, 96, landmarks), landmarks, aus: [{ au: 12, intensity: 'E' }], fps: 30, frames: 12, onset: 2, apex: 6, offset: 10, noise: 1 });

describe('writeSynthSample', () => {
  it('writes frames, an H.264 mp4 with every frame, .flo ground truth and truth.json', async () => {
    const dir = join(tempDir(), 'sample');
    const files = await writeSynthSample(clip, dir, { crf: 10 });
    expect(readdirSync(join(dir, 'frames'))).toHaveLength(12);
    const ffprobe = join(locateFfmpeg().path, '..', process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe');
    if (existsSync(ffprobe)) {
      const probe = spawnSync(ffprobe, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', files.mp4 as string], { encoding: 'utf8' });
      const stream = (JSON.parse(probe.stdout) as { streams: Array<Record<string, unknown>> }).streams[0];
      expect(stream).toMatchObject({ codec_name: 'h264', width: 98, height: 96, nb_read_frames: '12' });
    } else expect(readFileSync(files.mp4 as string).length).toBeGreaterThan(1000);
    const flo = readFileSync(files.flo.expression);
    expect(flo.readFloatLE(0)).toBe(FLO_TAG);
    expect([flo.readInt32LE(4), flo.readInt32LE(8)]).toEqual([97, 96]);
    expect(flo.length).toBe(12 + 8 * 97 * 96);
    const i = 50 * 97 + 60;
    expect(flo.readFloatLE(12 + 8 * i)).toBeCloseTo(clip.flow.expression.data[i] as number, 6);
    expect(flo.readFloatLE(16 + 8 * i)).toBeCloseTo(clip.flow.expression.data[97 * 96 + i] as number, 6);
    const truth = JSON.parse(readFileSync(files.truth, 'utf8')) as Record<string, unknown>;
    expect(truth).toMatchObject({ onset: 2, apex: 6, offset: 10, facs: '12E', label: 'Positive', files: { mp4: 'clip.mp4', crf: 10 } });
  });

  it('refuses an existing folder and leaves nothing behind on failure', async () => {
    const root = tempDir();
    await expect(writeSynthSample(clip, root)).rejects.toThrow(/already exists/);
    await expect(writeSynthSample(clip, join(root, 'bad'), { crf: 99 })).rejects.toThrow(/CRF/);
    // A frame that cannot be rendered half-way through: the partial folder is removed.
    const broken = { ...clip, flow: clip.flow, render: (t: number) => clip.render(t === 5 ? 99 : t) };
    await expect(writeSynthSample(broken, join(root, 'partial'), { mp4: false })).rejects.toThrow(/outside 0..11/);
    expect(readdirSync(root)).toEqual([]);
  });
});
