import { describe, expect, it } from 'vitest';
import { ROI_NAMES, roiLabel } from '../../src/shared/rois';
import { describe as describeMotion } from '../../src/main/analysis/describer';
import { inferEmotion } from '../../src/main/analysis/emotion';
import { featuresFromMotion } from '../helpers/roi-motion';

describe('ROI labels', () => {
  it('gives each of the 29 regions its own Chinese name, with no Latin letters left', () => {
    const zh = ROI_NAMES.map((name) => roiLabel(name, 'zh-CN'));
    expect(new Set(zh).size).toBe(29);
    for (const label of zh) expect(label, label).toMatch(/^[\u4e00-\u9fff]+$/);
    expect(roiLabel('Left Upper Eyelid Inner', 'zh-CN')).toBe('左上眼睑内侧');
    expect(roiLabel('Upper Lip Center', 'zh-CN')).toBe('上唇中部');
    expect(roiLabel('Right Nasal Wing', 'zh-CN')).toBe('右鼻翼');
    expect(roiLabel('Left Outer Eyebrow', 'zh-CN')).toBe('左眉外侧');
    expect(roiLabel('Chin', 'zh-CN')).toBe('下巴');
  });

  it('keeps the English names (the prompt and the data use them) and shows an unknown name unchanged', () => {
    for (const name of ROI_NAMES) expect(roiLabel(name, 'en')).toBe(name);
    expect(roiLabel('Forehead', 'zh-CN')).toBe('Forehead');
  });

  it('names a region on the image as the Chinese description names it', () => {
    // The subject's left mouth corner pulled up and out (image right, y down): 6 px of a 200 px face.
    const features = featuresFromMotion({ 'Left Mouth Corner': [4, -4] });
    const text = describeMotion({ features, aus: [], emotion: inferEmotion([]) }, 'zh-CN').text;
    expect(text).toContain(`- ${roiLabel('Left Mouth Corner', 'zh-CN')}向右上运动`);
  });
});
