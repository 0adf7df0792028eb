import { describe, expect, it } from 'vitest';
import { modelReading, readStoredEvidence, readStoredResult, storedFaceHeight, storedResult } from '../../src/main/analysis/stored-analysis';
import { storedAnalysisRow } from '../helpers/stored-analysis';

const browsUp = { 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2], 'Left Outer Eyebrow': [0, -1.6], 'Right Outer Eyebrow': [0, -1.6] } as const;

describe('stored analysis: one schema for the store and its readers', () => {
  it('reads back what the store side wrote, after the JSON round trip a workspace makes', () => {
    const row = storedAnalysisRow(browsUp);
    const stored = JSON.parse(JSON.stringify(row)) as unknown;
    expect(readStoredResult(stored)).toEqual({ value: row, reason: null });
    expect(readStoredEvidence(stored)).toEqual({ value: { expression: row.expression, face: row.face }, reason: null });
    expect(modelReading(row.expression)).toEqual({ aus: row.expression.facs, emotion: 'surprise', label3: 'surprise', description: row.expression.description });
    expect(row.expression.facs).toMatch(/^1[A-E]\+2[A-E]$/);
  });

  it('reads rows of another shape as null with the fields that differ, never as half a result', () => {
    const old = { aus: 'L12', emotion: 'happiness', label3: 'positive', description: 'lip corner pull' };
    const read = readStoredResult(old);
    expect(read.value).toBeNull();
    expect(read.reason).toMatch(/^expression: .+; spotting: .+; subject: .+ \(and 2 more\)$/);
    expect(readStoredEvidence(old)).toEqual({ value: null, reason: expect.stringMatching(/^expression: /) });
    for (const raw of [null, 'text', 7, [row()]]) expect(readStoredEvidence(raw)).toEqual({ value: null, reason: 'the result is not an object' });
    const broken = { ...row(), expression: { ...row().expression, rois: [{ region: 'Chin', mean_magnitude: '0.4' }] } };
    expect(readStoredEvidence(broken).reason).toMatch(/^expression\.rois\.0\.mean_magnitude: .*number/);
  });

  it('refuses to store a result its readers could not read back', () => {
    const { expression, spotting, subject, clip } = row();
    expect(() => storedResult({ ...expression, aus: [{ code: 'AU1', side: 'B', intensity: 'C', confidence: 2 }] }, { spotting, subject, clip }, [])).toThrow(
      expect.objectContaining({ code: 'INVALID_OUTPUT', message: expect.stringMatching(/expression\.aus\.0\.confidence/) }),
    );
  });

  it('measures the face height in reference-crop pixels from the stored face', () => {
    expect(storedFaceHeight(row().face)).toBe(200);
    // A frame crop half the reference size: the same landmarks span twice the crop pixels.
    expect(storedFaceHeight({ crop: [10, 20, 200, 240], landmarks: [[50, 40], [60, 140]], rois: [] })).toBe(200);
    expect(storedFaceHeight(undefined)).toBeNull();
    expect(storedFaceHeight({ crop: [0, 0, 400, 480], landmarks: [], rois: [] })).toBeNull();
  });
});

function row() {
  return storedAnalysisRow(browsUp);
}
