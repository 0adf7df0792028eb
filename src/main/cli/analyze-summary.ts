import { formatFps } from '@shared/fps';
import type { AnalyzeReport } from '@shared/api/analysis';

/**
 * `mellm analyze`'s text: what was spotted and read, then everything set aside, each kind
 * on its own line as the Annotate queue lists it, so a reader of the text misses nothing the
 * queue would show.
 */
export function analyzeSummary(r: AnalyzeReport): string {
  const sp = r.spotting;
  const captured = r.clip.capture_fps ?? r.clip.fps;
  const [primary] = r.expressions;
  const lines = [
    `${r.clip.path ?? 'clip'}: ${r.clip.frames} frames, ${formatFps(r.clip.fps)} fps${captured !== r.clip.fps ? ` (filmed at ${formatFps(captured)} fps: durations at that rate)` : ''}, ${r.clip.width}×${r.clip.height}`,
    sp.onset === null ? 'no expression spotted' : `onset ${sp.onset}, apex ${sp.apex}, offset ${sp.offset} (${sp.source})${primary?.kind ? `: ${primary.kind}-expression, ${primary.duration_ms ?? '?'} ms` : ''}`,
    `AUs: ${r.facs || 'none'}    emotion: ${r.emotion.label ?? 'none'} (${r.emotion.label3 ?? '-'})`,
    '',
    r.description,
    '',
    ...(sp.blinks?.length ? [`blinks (not expressions): ${sp.blinks.map((b) => `${b.onset}–${b.offset}`).join(', ')}`] : []),
    // Classed blinks the lid spotter listed above are not repeated.
    ...(sp.confounders ?? [])
      .filter((c) => c.cause !== 'blink' || !(sp.blinks ?? []).some((b) => b.onset <= c.offset && c.onset <= b.offset))
      .map((c) => `${c.cause === 'saccade' ? 'gaze shift' : c.cause} ${c.onset}–${c.offset} (not an expression): ${c.reason}`),
    // Spotted, but its analysis read the blink it peaks on: never offered, listed so a faint expression a blink crossed can be looked at.
    ...(sp.read_as_blink ?? []).map((iv) => `read as a blink (not offered) ${iv.onset}–${iv.offset}: ${iv.facs ? `its AUs ${iv.facs} are the blink and its spill` : 'no AU read'}`),
    `timings (ms): ${Object.entries(r.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
  return lines.join('\n');
}
