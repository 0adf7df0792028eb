import { createWorkspace } from '../../src/main/store';
import { storedAnalysisRow } from './stored-analysis';

/** A spotted interval as a whole-recording run stores it. */
export interface SpottedInterval {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  readonly kind: 'micro' | 'macro';
  readonly strength: number;
  readonly duration_ms: number;
  readonly offset_unclear: boolean;
  readonly facs: string;
}

/**
 * `count` intervals, one every `every` frames from `first` (apex 4 and offset 10 frames
 * after the onset, 300 ms), the first the strongest.
 */
export function evenIntervals(count: number, first: number, every: number, facs: string, kindOf: (i: number) => 'micro' | 'macro' = () => 'micro'): SpottedInterval[] {
  return Array.from({ length: count }, (_, i) => {
    const onset = first + i * every;
    return { onset, apex: onset + 4, offset: onset + 10, kind: kindOf(i), strength: 9 - i, duration_ms: 300, offset_unclear: false, facs };
  });
}

interface Blink {
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
}

/**
 * A workspace file holding one recording (a video at `clipPath`) with one event per spotted
 * interval, each carrying a stored analysis of the same spotting run (its intervals and
 * blinks), as a whole-recording analysis leaves it. The brows move up in every analysis.
 */
export async function writeSpottedRecording(
  file: string,
  clip: { readonly path: string; readonly frames: number; readonly width: number; readonly height: number },
  intervals: readonly SpottedInterval[],
  blinks: readonly Blink[] = [],
): Promise<void> {
  const ws = await createWorkspace(file);
  try {
    const stored = await ws.clips.add({ path: clip.path, kind: 'video', fps: 30, frames: clip.frames, width: clip.width, height: clip.height });
    for (const iv of intervals) {
      const event = await ws.events.create({ clipId: stored.id, onset: iv.onset, apex: iv.apex, offset: iv.offset, source: 'spotting' });
      const row = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] }, iv);
      const spotting = { ...row.spotting, source: 'spotting' as const, capture_fps: 30, intervals: [...intervals], blinks: [...blinks] };
      await ws.analyses.add(event.id, [], { ...row, spotting, expression: { ...row.expression, kind: iv.kind, duration_ms: iv.duration_ms } }, {}, null);
    }
  } finally {
    await ws.close();
  }
}
