import { ROI_NAMES } from '@shared/rois';
import { seededRandom } from '../../src/main/util/random';
import type { CodedEvent } from '../../src/main/corpus/agreement';
import type { ExportRecord, Label3 } from '../../src/main/corpus/export';

const EMOTIONS = ['happiness', 'disgust', 'repression', 'surprise', 'fear', 'sadness', 'others'] as const;
const LABELS: readonly Label3[] = ['positive', 'negative', 'negative', 'surprise', 'negative', 'negative', 'negative'];
const AUS = [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 24, 25] as const;
const EVENTS_PER_CLIP = 4;

interface BaseEvent { clip: number; onset: number; apex: number; offset: number; emotion: number; aus: number[] }

function baseEvents(count: number, random: () => number): BaseEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const onset = (index % EVENTS_PER_CLIP) * 200 + Math.floor(random() * 50);
    const apex = onset + 10 + Math.floor(random() * 20);
    const aus = AUS.filter(() => random() < 0.15);
    return { clip: Math.floor(index / EVENTS_PER_CLIP), onset, apex, offset: apex + 15 + Math.floor(random() * 30), emotion: Math.floor(random() * EMOTIONS.length), aus: aus.length ? aus : [4] };
  });
}

/** `events` ME events × `coders` annotators who mostly agree: jittered frames, some AUs and labels differ, ~3% not coded. */
export function syntheticCodedEvents(events: number, coders: number, seed = 7): CodedEvent[] {
  const random = seededRandom(seed);
  const result: CodedEvent[] = [];
  for (const [index, base] of baseEvents(events, random).entries()) {
    for (let c = 0; c < coders; c += 1) {
      if (random() < 0.03) continue;
      const jitter = () => Math.round((random() - 0.5) * 6);
      const emotion = random() < 0.8 ? base.emotion : Math.floor(random() * EMOTIONS.length);
      const aus = base.aus.filter(() => random() < 0.85).concat(random() < 0.2 ? [AUS[Math.floor(random() * AUS.length)] as number] : []);
      result.push({
        eventId: `e${index}`, clipId: `clip${base.clip}`, annotator: `coder${c + 1}`,
        onset: base.onset + jitter(), apex: base.apex + jitter(), offset: base.offset + jitter(),
        aus: [...new Set(aus)].map((au) => ({ au, side: random() < 0.1 ? 'L' : null })),
        emotion: EMOTIONS[emotion], label3: LABELS[emotion],
      });
    }
  }
  return result;
}

/** A tiny valid PNG-sized payload stands in for apex frames and overlays (~2 KiB each). */
const IMAGE = { mime: 'image/png' as const, data: new Uint8Array(2048).map((_, i) => (i * 31) & 0xff) };

/** `count` export records with ROI features and `motionFrames` per-frame rows each. */
export function syntheticExportRecords(count: number, motionFrames = 30, seed = 11): ExportRecord[] {
  const random = seededRandom(seed);
  return baseEvents(count, random).map((base, index) => {
    const roiFeatures = ROI_NAMES.map((region) => ({ region, meanMagnitude: Number((random() * 2).toFixed(3)), maxMagnitude: Number((random() * 4).toFixed(3)), direction: 'up (88°)', angle: 88 }));
    const motion = Array.from({ length: motionFrames }, (_, frame) => ({
      frame: base.onset + frame,
      facePresent: random() > 0.02,
      roiMagnitudes: Object.fromEntries(ROI_NAMES.map((region) => [region, Number((random() * 2).toFixed(3))])),
      auEvidence: Object.fromEntries(base.aus.map((au) => [String(au), Number(random().toFixed(3))])),
    }));
    return {
      dataset: 'SYNTH', subject: String(1 + (base.clip % 26)).padStart(2, '0'), clipName: `EP${String(base.clip).padStart(5, '0')}`,
      clipPath: `/data/synth/EP${base.clip}.mp4`, fps: 200, frameCount: 1000, frameNumberOffset: 1,
      eventId: `e${index}`, onset: base.onset, apex: base.apex, offset: base.offset,
      aus: base.aus.join('+'), emotion: EMOTIONS[base.emotion] ?? null, label3: LABELS[base.emotion] ?? null,
      description: `Step 1: ROIs with clear movement suggest AU${base.aus.join(', AU')}.\nStep 3: ${LABELS[base.emotion]}.`,
      annotator: `coder${1 + (index % 3)}`, provenance: 'edited', review: random() < 0.8 ? 'approved' : 'needs-changes',
      reviewer: 'rev', reviewComment: null, roiFeatures, motion, apexImage: IMAGE, flowOverlay: IMAGE,
    } satisfies ExportRecord;
  });
}
