import type { ExportRecord } from '../../src/main/corpus/export';

/** Names built to break naive writers: markup, quotes, commas, newlines, unicode, traversal, formulas. */
export const HOSTILE = {
  script: '<script>alert("x")</script>',
  quoted: 'Dr. "Quote", Esq.',
  newline: 'line one\nline two\r\nthree',
  unicode: '受试者 Ünïcødé 😀',
  traversal: '../../etc/passwd',
  formula: '=HYPERLINK("http://evil","x")',
} as const;

/** Stored ROI features of a smile: both lip corners move up and outward (reference-crop pixels), the chin does not. */
export const MOUTH_CORNERS_UP: NonNullable<ExportRecord['roiFeatures']> = [
  { region: 'Left Mouth Corner', meanMagnitude: 1.5, maxMagnitude: 2.1, direction: 'up-right (40°)', angle: 40, meanNormalized: 0.75, stats: { pixels: 196, mean: 1.5, max: 2.1, concentration: 0.9, angle: 40 } },
  { region: 'Right Mouth Corner', meanMagnitude: 1.4, maxMagnitude: 1.9, direction: 'up-left (140°)', angle: 140, meanNormalized: 0.7, stats: { pixels: 196, mean: 1.4, max: 1.9, concentration: 0.9, angle: 140 } },
  { region: 'Chin', meanMagnitude: 0, maxMagnitude: 0, direction: 'No significant motion detected', angle: null, meanNormalized: 0, stats: { pixels: 576, mean: 0, max: 0, concentration: 0, angle: 0 } },
];

export function makeRecord(overrides: Partial<ExportRecord> = {}): ExportRecord {
  return {
    dataset: 'CASME II',
    subject: '01',
    clipName: 'EP02_01f',
    clipPath: '/data/casme2/sub01/EP02_01f.avi',
    fps: 200,
    frameCount: 60,
    frameNumberOffset: 46,
    eventId: 'ev-1',
    onset: 0,
    apex: 13,
    offset: 40,
    aus: 'R12+L4',
    emotion: 'happiness',
    label3: 'positive',
    description: 'Right lip corner pulled up briefly.',
    annotator: 'alice',
    provenance: 'edited',
    review: 'approved',
    reviewer: 'rita',
    reviewComment: null,
    roiFeatures: MOUTH_CORNERS_UP,
    ...overrides,
  };
}

/** A small corpus where every text field is hostile somewhere. */
export function hostileRecords(): ExportRecord[] {
  return [
    makeRecord(),
    makeRecord({ subject: HOSTILE.unicode, clipName: HOSTILE.script, eventId: 'ev-2', annotator: HOSTILE.quoted, emotion: HOSTILE.newline, aus: '1+2', reviewer: HOSTILE.newline, label3: 'surprise', description: HOSTILE.script, review: 'rejected', reviewComment: HOSTILE.script }),
    makeRecord({ subject: '02', clipName: HOSTILE.traversal, clipPath: `/data/${HOSTILE.unicode}.mp4`, eventId: 'ev-3', annotator: HOSTILE.unicode, emotion: HOSTILE.formula, aus: '4+7', label3: 'negative', datasetFrames: { onset: 101, apex: 110, offset: 130 }, roiFeatures: null, description: null, review: null }),
  ];
}
