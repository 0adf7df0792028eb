import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '@shared/errors';
import { randomSpecs, synthesizeSpec } from '../analysis/synth/corpus';
import { defaultSynthPhotos, loadSynthFace, parseSynthAus } from '../analysis/synth/photo';
import { checkSampleFolder, writeSynthSample, writeSynthVideo } from '../analysis/synth/write';
import { CONFOUNDER_NAMES, placeConfounders, planSession, synthesizeSession, type ConfounderChoice } from '../analysis/synth/session';
import { uniform } from '../analysis/synth/random';
import { checkFolder } from '../util/output-place';
import { createDemoCorpus } from '../app/demo-corpus';
import type { CliCommand } from './command';
import { defineOptions, OptionError, parseOptions } from './options';
import { counted } from '@shared/count';

const OPTIONS = defineOptions({
  out: { kind: 'text', value: 'dir', help: 'where the samples are written' },
  demo: { kind: 'text', value: 'dir', help: 'write the demo corpus (clips, sheet, workspace) here instead' },
  photo: { kind: 'text', value: 'p.jpg', help: 'the face photo (default: the bundled ones)' },
  aus: { kind: 'text', value: '1+2+L12C', help: 'the AUs to animate (default: random)' },
  frames: { kind: 'int', value: 'N', min: 10, max: 2000, default: 60, help: 'frames per clip' },
  fps: { kind: 'positive', value: 'R', help: 'frame rate, at most 1000 (default 30)' },
  size: { kind: 'text', value: 'WxH', default: '640x480', help: 'frame size, 64–4096 a side' },
  'head-motion': { kind: 'flag', help: 'add head motion' },
  with: { kind: 'choice', values: CONFOUNDER_NAMES, multiple: true, help: 'confounders to add, each with its truth intervals (blinks, saccades, speech, tremor, glasses, flicker)' },
  session: { kind: 'int', value: 'S', min: 5, max: 3600, help: 'write one long recording of S seconds (sparse micro/macro-expressions and the --with confounders) as <out>/session.mp4 + session.truth.json, streamed' },
  seed: { kind: 'int', value: 'N', min: 0, max: 2 ** 31, default: 1, help: 'seed of the random specs' },
  count: { kind: 'int', value: 'N', min: 1, max: 10_000, default: 1, help: 'how many clips (clip_0000, … under --out)' },
  force: { kind: 'flag', help: 'replace existing samples' },
  json: { kind: 'flag', help: 'print the result as JSON' },
});

/** `mellm synth`: synthetic micro-expressions on real faces, with exact ground truth. */
export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'synthesise micro-expression clips from a real face photo (mp4, frames, ground-truth .flo, truth.json), or a demo corpus',
  usage:
    'mellm synth --out <dir> [--photo p.jpg] [--aus 1+2+L12C] [--frames 60 --fps 30] [--size 640x480] [--head-motion] [--with blinks,glasses,…] [--seed N] [--count N] [--force] [--json]\n' +
    '       mellm synth --out <dir> --session S [--fps 30] [--size 640x480] [--with blinks,saccades,speech,tremor,glasses,flicker] [--seed N] [--photo p.jpg] [--force] [--json]\n' +
    '       mellm synth --demo <dir> [--json]',
  options: OPTIONS,
  async run(args, io, services) {
    const { values } = parseOptions(OPTIONS, args);
    // Where the samples go is checked before the face models load.
    const out = values.out === undefined ? undefined : resolve(values.out);
    const count = values.demo || !out || values.session !== undefined ? 1 : values.count;
    const choice: ConfounderChoice = Object.fromEntries(values.with.map((name) => [name, true]));
    const dirs = out ? Array.from({ length: count }, (_, i) => (count === 1 ? out : join(out, `clip_${String(i).padStart(4, '0')}`))) : [];
    if (out) await checkFolder(out, `The output folder ${out}`);
    if (values.session === undefined) for (const dir of dirs) await checkSampleFolder(dir, values.force);
    const s = services();
    const models = await s.face.models();
    try {
      if (values.demo) {
        const result = await createDemoCorpus(s, resolve(values.demo));
        io.out(values.json ? JSON.stringify(result) : `Demo corpus in ${result.dir}: ${result.clips} clips, sheet ${result.sheet}, workspace ${result.workspace}`);
        return 0;
      }
      if (!values.out) throw new AppError('INVALID_INPUT', 'Give --out <dir> (or --demo <dir>)');
      const { frames, seed } = values;
      const fps = values.fps ?? 30;
      if (fps > 1000) throw new OptionError(`--fps must be at most 1000, got "${fps}"`);
      const size = /^(\d{2,4})x(\d{2,4})$/.exec(values.size);
      const [width, height] = size ? [Number(size[1]), Number(size[2])] : [0, 0];
      if (![width, height].every((side) => side >= 64 && side <= 4096)) throw new OptionError(`--size must be WxH with sides from 64 to 4096, got "${values.size}"`);
      const aus = values.aus ? parseSynthAus(values.aus) : undefined;
      const photos = values.photo ? [resolve(values.photo)] : defaultSynthPhotos();
      if (values.session !== undefined) {
        if (aus) throw new OptionError('--aus does not apply to --session (its expressions are drawn from the seed)');
        const plan = planSession({ seconds: values.session, fps, seed, ...choice });
        const face = await loadSynthFace(models, photos[seed % photos.length] as string, width, height);
        const clip = synthesizeSession(face, plan);
        await mkdir(out as string, { recursive: true });
        const files = await writeSynthVideo(clip, join(out as string, 'session.mp4'), {
          replace: values.force,
          onFrame: (t) => {
            if (!values.json && t % Math.round(30 * fps) === 0) io.err(`${Math.round(t / fps)} s of ${values.session} s`);
          },
        });
        const counts = Object.fromEntries(['micro', 'macro', 'blink', 'gaze', 'speech'].map((k) => [k, clip.truth.intervals.filter((i) => i.kind === k).length]));
        io.out(values.json ? JSON.stringify({ ...files, frames: plan.frames, fps, intervals: counts }) : `${files.mp4}: ${plan.frames} frames at ${fps} fps; truth ${files.truth} (${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')})`);
        return 0;
      }
      const options = { frames, fps, ...(values['head-motion'] ? { headMotion: true } : { headShare: 0 }), degradeShare: 0 };
      const specs = randomSpecs(count, seed, options, aus);
      const place = uniform(seed + 7);
      const faces = new Map<string, Awaited<ReturnType<typeof loadSynthFace>>>();
      const written: Array<{ dir: string; facs: string; label: string | null; onset: number; apex: number; offset: number }> = [];
      for (const [i, spec] of specs.entries()) {
        const photo = photos[i % photos.length] as string;
        let face = faces.get(photo);
        if (!face) faces.set(photo, (face = await loadSynthFace(models, photo, width, height)));
        const confounders = values.with.length ? placeConfounders(place, frames, fps, choice, [[spec.onset, spec.offset]], Math.max(1, Math.round(0.1 * fps))) : undefined;
        const clip = synthesizeSpec(face, spec, options, confounders);
        const dir = dirs[i] as string;
        await writeSynthSample(clip, dir, { crf: spec.crf, replace: values.force });
        written.push({ dir, facs: clip.truth.facs, label: clip.truth.label, onset: spec.onset, apex: spec.apex, offset: spec.offset });
        if (!values.json) io.err(`${dir}: ${clip.truth.facs} (${clip.truth.label ?? '-'}), onset ${spec.onset}, apex ${spec.apex}, offset ${spec.offset}`);
      }
      io.out(values.json ? JSON.stringify({ clips: written }) : `${counted(written.length, 'clip')} written to ${out as string}`);
      return 0;
    } finally {
      await s.face.dispose();
    }
  },
};
