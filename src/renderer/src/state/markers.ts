/** Onset ≤ apex ≤ offset, kept true while the annotator places any one marker. */

export const MARKERS = ['onset', 'apex', 'offset'] as const;
export type MarkerKind = (typeof MARKERS)[number];
export type Markers = Readonly<Record<MarkerKind, number | null>>;

export function placeMarker(markers: Markers, kind: MarkerKind, frame: number): Markers {
  let { onset, apex, offset } = markers;
  if (kind === 'onset') {
    onset = frame;
    if (offset === null || offset < frame) offset = frame;
    if (apex !== null && apex < frame) apex = frame;
  } else if (kind === 'offset') {
    offset = frame;
    if (onset === null || onset > frame) onset = frame;
    if (apex !== null && apex > frame) apex = frame;
  } else {
    apex = frame;
    if (onset === null || onset > frame) onset = frame;
    if (offset === null || offset < frame) offset = frame;
  }
  return { onset, apex, offset };
}

export const NO_MARKERS: Markers = { onset: null, apex: null, offset: null };
