import { describe, expect, it } from 'vitest';
import type { RoiBox } from '@shared/rois';
import { createFlowField } from '../../src/main/inference/flow/types';
import { MASK_CODE } from '../../src/main/analysis/occlusion';
import { buildPrompt, roiReport } from '../../src/main/analysis/prompt';
import { roiFeatures } from '../../src/main/analysis/roi-features';
import { sessionReportHtml } from '../../src/main/corpus/export';
import { makeRecord } from '../helpers/corpus-records';

/**
 * A region an eyeglass frame covers and that was read beside the rim says where it was read
 * (RoiFeature.readFrom, RoiReport.read_from): a cheek just below the lens's lower rim, a brow
 * above the top rim. The session report shows it in en and zh-CN; the prompt's ROI lines do
 * not carry it, so the LLM reads the same text as before for the same features.
 */
const W = 60;
const H = 60;
const roi = (region: string, box: [number, number, number, number]): RoiBox => ({ region, box });
const CHEEK = roi('Left Cheek', [10, 30, 10, 10]);
const BROW = roi('Left Inner Eyebrow', [10, 20, 10, 5]);

/** Upward motion everywhere; the mask's rows [y0, y1) over columns [x0, x1) set to `code`. */
function scene(rows: ReadonlyArray<readonly [number, number, number, number, number]>) {
  const flow = createFlowField(W, H);
  flow.data.fill(-0.5, W * H);
  const mask = new Uint8Array(W * H);
  for (const [x0, y0, x1, y1, code] of rows) for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) mask[y * W + x] = code;
  return { flow, occlusion: { width: W, height: H, mask } };
}

describe('where a region under an eyeglass frame was read', () => {
  it('a cheek the lens rim crosses is read below it and says so; a brow the top rim touches is read above it', () => {
    const { flow, occlusion } = scene([
      [8, 29, 22, 33, MASK_CODE.glasses],
      [8, 23, 22, 27, MASK_CODE.glasses],
    ]);
    const [cheek, brow] = roiFeatures(flow, [CHEEK, BROW], 100, occlusion);
    expect(cheek).toMatchObject({ readFrom: 'below-rim', direction: 'up (90°)' });
    expect(cheek?.occluded).toBeUndefined();
    expect(brow).toMatchObject({ readFrom: 'above-rim', direction: 'up (90°)' });
  });

  it('is not set where the region is read where it lies, covered by hair, or reported occluded', () => {
    const plain = scene([]);
    for (const f of roiFeatures(plain.flow, [CHEEK, BROW], 100, plain.occlusion)) expect(f.readFrom).toBeUndefined();
    for (const f of roiFeatures(plain.flow, [CHEEK, BROW], 100)) expect(f.readFrom).toBeUndefined();
    // A cheek covered by hair is never read below it; a brow the frame covers to the top of its forehead is occluded.
    const hair = scene([[8, 29, 22, 33, MASK_CODE.hair]]);
    expect(roiFeatures(hair.flow, [CHEEK], 100, hair.occlusion)[0]?.readFrom).toBeUndefined();
    const covered = scene([[0, 0, W, 27, MASK_CODE.glasses]]);
    const [brow] = roiFeatures(covered.flow, [BROW], 100, covered.occlusion);
    expect(brow).toMatchObject({ occluded: 'glasses' });
    expect(brow?.readFrom).toBeUndefined();
  });

  it('leaves the prompt byte-identical: the ROI lines never carry where a region was read', () => {
    const stats = { pixels: 100, mean: 0.412, max: 0.901, concentration: 0.9, angle: 92 };
    const rois = [roiReport('Left Cheek', stats), roiReport('Left Inner Eyebrow', stats), roiReport('Chin', { ...stats, angle: 270 })];
    const marked = rois.map((r, i) => (i < 2 ? { ...r, read_from: i === 0 ? ('below-rim' as const) : ('above-rim' as const) } : r));
    for (const format of ['mellm', 'json'] as const) {
      expect(buildPrompt(marked, format)).toBe(buildPrompt(rois, format));
      expect(buildPrompt(marked, format)).not.toMatch(/rim|below|above/);
    }
  });

  it('the session report says it beside the region, in en and zh-CN', () => {
    const record = makeRecord({
      roiFeatures: [
        { region: 'Left Cheek', meanMagnitude: 0.9, maxMagnitude: 2, direction: 'up (88°)', readFrom: 'below-rim' },
        { region: 'Right Inner Eyebrow', meanMagnitude: 0.5, maxMagnitude: 1, direction: 'up (90°)', readFrom: 'above-rim' },
        { region: 'Chin', meanMagnitude: 0.4, maxMagnitude: 1, direction: 'up (90°)' },
      ],
    });
    const en = [...sessionReportHtml([record])].join('');
    expect(en).toContain(`Left Cheek: 0.900 px, up (88°) <span class="meta">(its AUs read below the glasses&#39; rim)</span>`);
    expect(en).toContain(`Right Inner Eyebrow: 0.500 px, up (90°) <span class="meta">(its AUs read above the glasses&#39; rim)</span>`);
    expect(en).toMatch(/Chin: 0\.400 px, up \(90°\)(<br>|<\/td>)/);
    const zh = [...sessionReportHtml([record], { language: 'zh-CN' })].join('');
    expect(zh).toContain('（其 AU 在眼镜框下缘之下读取）');
    expect(zh).toContain('（其 AU 在眼镜框上缘之上读取）');
    expect(zh).not.toContain('glasses');
  });
});
