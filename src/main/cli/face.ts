import { AppError } from '@shared/errors';
import type { FaceDetectResult } from '@shared/api/face';
import { writeFileAtomic } from '../util/atomic-write';
import { loadImageFile } from '../media/image';
import { renderOverlay } from '../inference/face/overlay';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';
import { outputFile } from './output';
import { counted } from '@shared/count';

const OPTIONS = defineOptions({
  frame: { kind: 'int', value: 'N', min: 0, default: 0, help: 'the frame of a clip (0-based)' },
  overlay: { kind: 'text', value: 'out.png', help: 'draw the faces, landmarks and ROIs here' },
  force: { kind: 'flag', help: 'replace an existing --overlay file' },
  json: { kind: 'flag', help: 'print the result as JSON' },
});

/** `mellm face`: faces, 468 landmarks and the 29 ROIs of one image (or one clip frame). */
export const faceCommand: CliCommand = {
  name: 'face',
  summary: 'detect faces, 468 landmarks and the 29 MELLM ROIs on an image (or a clip frame)',
  usage: 'mellm face <image or clip> [--frame N] [--overlay out.png [--force]] [--json]',
  options: OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(OPTIONS, args, { positionals: true });
    const [path] = positionals;
    if (!path || positionals.length > 1) throw new AppError('INVALID_INPUT', 'Give exactly one image or clip path');
    const frame = values.frame;
    const overlay = await outputFile(values.overlay, values.force);
    const face = services().face;
    try {
      const result = await face.detect(path, frame);
      if (overlay) {
        // Videos fail in detect() until the media layer lands, so the path is an image here.
        await writeFileAtomic(overlay, await renderOverlay(await loadImageFile(path), result.faces), 0o644);
      }
      io.out(values.json ? JSON.stringify(toJson(result)) : summary(path, result));
      return 0;
    } finally {
      await face.dispose();
    }
  },
};

/** The documented machine output: rounded to 0.01 px so a 468-point mesh stays readable. */
function toJson(result: FaceDetectResult) {
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    status: result.status,
    frame: result.frame,
    width: result.width,
    height: result.height,
    faces: result.faces.map((f) => ({
      box: f.box.map(r),
      score: Math.round(f.score * 1e4) / 1e4,
      presence: Math.round(f.presence * 1e4) / 1e4,
      quality: f.quality,
      landmarks: f.landmarks.map((p) => p.map(r)),
      rois: f.rois.map((roi) => ({ region: roi.region, box: roi.box.map(r) })),
    })),
  };
}

function summary(path: string, result: FaceDetectResult): string {
  if (result.faces.length === 0) return `${path} (frame ${result.frame}): no face found`;
  const lines = result.faces.map((f, i) => {
    const [x, y, w, h] = f.box.map((v) => Math.round(v));
    return `  #${i + 1} box ${x},${y} ${w}×${h}  score ${f.score.toFixed(3)}  presence ${f.presence.toFixed(3)}  ${f.quality}  ${f.rois.length} ROIs`;
  });
  return [`${path} (frame ${result.frame}, ${result.width}×${result.height}): ${counted(result.faces.length, 'face')}`, ...lines].join('\n');
}
