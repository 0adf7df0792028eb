import { describe, expect, it } from 'vitest';
import { inferEmotion } from '../../src/main/analysis/emotion';
import { inferAus, type AuEvidence } from '../../src/main/analysis/au-rules';
import { featuresFromMotion } from '../helpers/roi-motion';

const au = (n: number, confidence = 0.8): AuEvidence => ({
  au: n,
  name: `AU${n}`,
  side: 'B',
  intensity: 'C',
  evidence: 0.5,
  left: 0.5,
  right: 0.5,
  confidence,
  regions: [],
  blink: n === 45,
});

describe('inferEmotion', () => {
  const cases: Array<{ aus: number[]; emotion: string | null; label: string | null }> = [
    { aus: [], emotion: null, label: null },
    { aus: [45], emotion: null, label: null },
    { aus: [6, 12], emotion: 'happiness', label: 'Positive' },
    { aus: [12], emotion: 'happiness', label: 'Positive' },
    { aus: [6, 7, 12], emotion: 'happiness', label: 'Positive' },
    { aus: [12, 14], emotion: 'happiness', label: 'Positive' },
    { aus: [9], emotion: 'disgust', label: 'Negative' },
    { aus: [4, 7], emotion: 'disgust', label: 'Negative' },
    { aus: [4, 9, 10], emotion: 'disgust', label: 'Negative' },
    { aus: [1, 2], emotion: 'surprise', label: 'Surprise' },
    { aus: [1, 2, 25], emotion: 'surprise', label: 'Surprise' },
    { aus: [1, 2, 45], emotion: 'surprise', label: 'Surprise' },
    { aus: [1, 2, 4], emotion: 'fear', label: 'Negative' },
    { aus: [1, 2, 4, 20], emotion: 'fear', label: 'Negative' },
    // Lips stretched under raised brows: fear, even when the brow lowering (AU4) is missed.
    { aus: [1, 2, 20], emotion: 'fear', label: 'Negative' },
    { aus: [2, 20], emotion: 'fear', label: 'Negative' },
    { aus: [1, 2, 5], emotion: 'surprise', label: 'Surprise' },
    { aus: [1, 4], emotion: 'sadness', label: 'Negative' },
    { aus: [1, 4, 15], emotion: 'sadness', label: 'Negative' },
    { aus: [14], emotion: 'repression', label: 'Negative' },
    { aus: [15, 17], emotion: 'repression', label: 'Negative' },
    { aus: [17, 24], emotion: 'repression', label: 'Negative' },
    { aus: [4], emotion: 'others', label: 'Negative' },
  ];
  it.each(cases)('AUs $aus → $emotion / $label', ({ aus, emotion, label }) => {
    const result = inferEmotion(aus.map((n) => au(n)));
    expect(result.emotion).toBe(emotion);
    expect(result.label).toBe(label);
    if (emotion === null) expect(result.confidence).toBe(0);
    else expect(result.confidence).toBeGreaterThan(0);
  });

  it('lets a trace (intensity A) decide only when nothing stronger moved', () => {
    const trace = (n: number): AuEvidence => ({ ...au(n), intensity: 'A' });
    expect(inferEmotion([au(1), au(2), trace(4)]).emotion).toBe('surprise');
    expect(inferEmotion([au(1), au(2), au(4)]).emotion).toBe('fear');
    expect(inferEmotion([trace(12)]).emotion).toBe('happiness');
  });

  it('lets the stronger of a nose wrinkle and a lip-corner pull decide between disgust and happiness', () => {
    const at = (n: number, intensity: AuEvidence['intensity'], confidence: number, side: AuEvidence['side'] = 'B'): AuEvidence => ({ ...au(n, confidence), intensity, side });
    // The seed-21 session's reading (test/integration/session-spotting-cli.test.ts): 9D+R10A+R12B.
    expect(inferEmotion([at(9, 'D', 0.65), at(10, 'A', 0.52, 'R'), at(12, 'B', 0.6, 'R')])).toMatchObject({ emotion: 'disgust', label: 'Negative' });
    // The same conflict the other way round: a clear smile with a weaker nose wrinkle stays happiness.
    expect(inferEmotion([at(6, 'C', 0.62), at(12, 'D', 0.68), at(9, 'B', 0.55)])).toMatchObject({ emotion: 'happiness', label: 'Positive' });
    expect(inferEmotion([at(12, 'D', 0.66), at(9, 'B', 0.58)])).toMatchObject({ emotion: 'happiness', label: 'Positive' });
  });

  it('is less confident when two prototypes compete', () => {
    const clear = inferEmotion([au(6), au(12)]).confidence;
    const mixed = inferEmotion([au(6), au(12), au(9)]).confidence;
    expect(mixed).toBeLessThan(clear);
  });

  it('goes from flow to emotion end to end: a raised-brow face is surprise', () => {
    const up: [number, number] = [0, -1];
    const aus = inferAus(featuresFromMotion({ 'Left Inner Eyebrow': up, 'Right Inner Eyebrow': up, 'Left Outer Eyebrow': up, 'Right Outer Eyebrow': up }));
    expect(inferEmotion(aus)).toMatchObject({ emotion: 'surprise', label: 'Surprise', pattern: [1, 2] });
  });
});
