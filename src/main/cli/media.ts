import { resolve } from 'node:path';
import type { EventPayload } from '@shared/api';
import { AppError, issuesFromZod } from '@shared/errors';
import { FrameRequestSchema } from '@shared/frames';
import type { MediaInfo } from '@shared/media';
import { probeMedia } from '../media/probe';
import { PROXY_JOB_KIND } from '../media/proxy-manager';
import { writeFileAtomic } from '../util/atomic-write';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';
import { outputFile } from './output';

const PROBE_OPTIONS = defineOptions({
  fps: { kind: 'positive', value: 'R', help: "a frame folder's frame rate (a video's own is measured)" },
  json: { kind: 'flag', help: 'print the probe as JSON' },
});
const FRAMES_OPTIONS = defineOptions({
  at: { kind: 'int', value: 'N', min: 0, help: 'the frame (0-based)' },
  out: { kind: 'text', value: 'frame.png', help: 'where the frame is written (.png, .jpg or .webp)' },
  width: { kind: 'int', value: 'W', min: 16, max: 8192, help: 'scale to this width' },
  force: { kind: 'flag', help: 'replace an existing --out file' },
});
const PROXY_OPTIONS = defineOptions({ json: { kind: 'flag', help: 'print the proxy as JSON' } });

function onlyClip(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new AppError('INVALID_INPUT', `Expected one clip (video file or frame folder)\nUsage: ${usage}`);
  // Relative paths are the user's, resolved against their working directory.
  return resolve(positionals[0] as string);
}

function formatInfo(info: MediaInfo): string {
  const lines = [
    `${info.kind}  ${info.path}`,
    `frames     ${info.frames} (0-${info.frames - 1})`,
    `fps        ${Number(info.fps.toFixed(3))}${info.vfr ? ' average, variable frame rate' : ''}${info.sequence?.fpsAssumed ? ' (assumed; pass --fps)' : ''}`,
    `size       ${info.width}×${info.height}${info.rotation ? ` (rotated ${info.rotation}°)` : ''}`,
    `duration   ${info.durationSec.toFixed(3)} s`,
    `codec      ${info.codec}, ${info.pixelFormat}${info.gray ? ' (grayscale)' : ''}`,
  ];
  if (info.sequence) {
    lines.push(`files      ${info.sequence.pattern ?? 'natural order'}${info.sequence.firstNumber === null ? '' : ` from ${info.sequence.firstNumber}`}`);
    if (info.sequence.missing.length) lines.push(`MISSING    frames ${info.sequence.missing.slice(0, 20).join(', ')}${info.sequence.missing.length > 20 ? ' …' : ''}`);
  }
  return lines.join('\n');
}

export const probeCommand: CliCommand = {
  name: 'probe',
  summary: 'show a clip’s exact frame count, rate, size, codec (video file or frame folder)',
  usage: 'mellm probe <clip> [--fps N] [--json]',
  options: PROBE_OPTIONS,
  async run(args, io) {
    const { values, positionals } = parseOptions(PROBE_OPTIONS, args, { positionals: true });
    const info = await probeMedia(onlyClip(positionals, this.usage), { fps: values.fps });
    io.out(values.json ? JSON.stringify(info, null, 2) : formatInfo(info));
    return 0;
  },
};

export const framesCommand: CliCommand = {
  name: 'frames',
  summary: 'write one frame (0-based index) of a clip as PNG/JPEG/WebP',
  usage: 'mellm frames <clip> --at N --out frame.png [--width W] [--force]',
  options: FRAMES_OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(FRAMES_OPTIONS, args, { positionals: true });
    const clip = onlyClip(positionals, this.usage);
    if (values.at === undefined) throw new AppError('INVALID_INPUT', `--at needs a 0-based frame index\nUsage: ${this.usage}`);
    if (!values.out) throw new AppError('INVALID_INPUT', `--out is required\nUsage: ${this.usage}`);
    const format = /\.(png|jpe?g|webp)$/i.exec(values.out)?.[1]?.toLowerCase().replace('jpeg', 'jpg');
    if (!format) throw new AppError('INVALID_INPUT', '--out must end in .png, .jpg or .webp');
    const out = (await outputFile(values.out, values.force)) as string;
    const width = values.width;
    const media = services().media;
    try {
      const { clipId } = await media.open(clip);
      const request = FrameRequestSchema.safeParse({ clipId, index: values.at, format, width });
      if (!request.success) throw new AppError('INVALID_INPUT', 'Invalid frame request (--width is 16-8192)', { issues: issuesFromZod(request.error) });
      const frame = await media.encodeFrame(request.data);
      await writeFileAtomic(out, frame.data, 0o644);
      io.out(`frame ${request.data.index} → ${out}`);
      return 0;
    } finally {
      media.close();
    }
  },
};

export const proxyCommand: CliCommand = {
  name: 'proxy',
  summary: 'build (or check) the display proxy of a video ahead of annotation',
  usage: 'mellm proxy <video> [--json]',
  options: PROXY_OPTIONS,
  async run(args, io, services) {
    const { values, positionals } = parseOptions(PROXY_OPTIONS, args, { positionals: true });
    const clip = onlyClip(positionals, this.usage);
    const { media, events } = services();
    const proxies = media.options.proxies;
    if (!proxies) throw new AppError('INTERNAL', 'Display proxies are not enabled in this process');
    let shown = -1;
    const unsubscribe = events.subscribe((name, payload) => {
      if (name !== 'job.progress') return;
      const { kind, done, total } = payload as EventPayload<'job.progress'>;
      const percent = Math.floor((100 * done) / Math.max(1, total));
      if (kind === PROXY_JOB_KIND && (percent >= shown + 10 || done === total)) io.err(`proxy ${(shown = percent)} % (${done}/${total} frames)`);
    });
    try {
      const { clipId, info } = await media.open(clip);
      if (!proxies.wants(info)) {
        io.out(values.json ? JSON.stringify({ clipId, proxy: null }) : `${clip}: no proxy needed (not a video)`);
        return 0;
      }
      const proxy = await proxies.settled(clipId);
      if (!proxy) throw proxies.status(clipId).error ?? new AppError('MEDIA_UNREADABLE', `No proxy could be made for ${clip}`);
      const summary = { clipId, frames: proxy.index.frames, width: proxy.width, height: proxy.height, bytes: proxy.index.offsets[proxy.index.frames] };
      io.out(values.json ? JSON.stringify({ clipId, proxy: summary }) : `proxy of ${clip}: ${summary.frames} frames ${summary.width}×${summary.height}, ${((summary.bytes ?? 0) / 2 ** 20).toFixed(1)} MB`);
      return 0;
    } finally {
      unsubscribe();
      media.close();
    }
  },
};
