import { describe as suite, expect, it } from 'vitest';
import { describe } from '../../src/main/analysis/describer';
import { inferAus } from '../../src/main/analysis/au-rules';
import { inferEmotion } from '../../src/main/analysis/emotion';
import { featuresFromMotion } from '../helpers/roi-motion';

function evidenceFor(motion: Record<string, [number, number]>) {
  const features = featuresFromMotion(motion);
  const aus = inferAus(features);
  return { features, aus, emotion: inferEmotion(aus) };
}

const browsRaised: Record<string, [number, number]> = {
  'Left Inner Eyebrow': [0, -1],
  'Right Inner Eyebrow': [0, -1],
  'Left Outer Eyebrow': [0.1, -0.8],
  'Right Outer Eyebrow': [-0.1, -0.8],
};
const surprise = evidenceFor(browsRaised);

suite('describe (deterministic FACS describer)', () => {
  it('writes the three sections in English (golden text)', () => {
    expect(describe(surprise, 'en').text).toBe(
      [
        '1. ROI analysis',
        '- Left Inner Eyebrow moves up (90°), mean 1 px (0.5% of face height).',
        '- Right Inner Eyebrow moves up (90°), mean 1 px (0.5% of face height).',
        '- Left Outer Eyebrow moves up (83°), mean 0.806 px (0.403% of face height).',
        '- Right Outer Eyebrow moves up (97°), mean 0.806 px (0.403% of face height).',
        '- AU1 (Inner Brow Raiser): bilateral, marked intensity, confidence 0.77, from Left Inner Eyebrow and Right Inner Eyebrow.',
        '- AU2 (Outer Brow Raiser): bilateral, slight intensity, confidence 0.72, from Left Outer Eyebrow and Right Outer Eyebrow.',
        '',
        '2. Reasoning',
        'Step 1: The movement at Left Inner Eyebrow, Right Inner Eyebrow, Left Outer Eyebrow and Right Outer Eyebrow indicates AU1 (Inner Brow Raiser) and AU2 (Outer Brow Raiser).',
        'Step 2: The combination AU1+AU2 matches the facial pattern of surprise (confidence 0.75), a Surprise micro-expression.',
        'Step 3: The micro-expression is therefore Surprise.',
        '',
        '3. Summary',
        'AUs: 1C+2B. Estimated emotion: surprise. Micro-expression: Surprise.',
      ].join('\n'),
    );
  });

  it('writes the same evidence in Simplified Chinese', () => {
    const zh = describe(surprise, 'zh-CN');
    expect(zh.roiAnalysis.split('\n')[0]).toBe('- 左眉内侧向上运动（90°），平均 1 像素（面部高度的 0.5%）。');
    expect(zh.roiAnalysis).toContain('AU1（内眉上扬）：双侧，强度明显，置信度 0.77，依据：左眉内侧、右眉内侧。');
    expect(zh.summary).toBe('动作单元：1C+2B。估计情绪：惊讶。微表情类别：惊讶。');
    expect(zh.reasoning).toBe(
      [
        '第一步：左眉内侧、右眉内侧、左眉外侧、右眉外侧的运动表明 AU1（内眉上扬）、AU2（外眉上扬）。',
        '第二步：AU1+AU2 的组合符合惊讶的面部模式（置信度 0.75），属于惊讶微表情。',
        '第三步：因此该微表情为惊讶。',
      ].join('\n'),
    );
    expect(zh.text.startsWith('1. 感兴趣区域分析\n')).toBe(true);
  });

  it('is deterministic', () => {
    expect(describe(surprise, 'en')).toEqual(describe(evidenceFor(browsRaised), 'en'));
  });

  it('says there is no micro-expression when nothing moves, and sets blinks apart', () => {
    const still = describe(evidenceFor({}), 'en');
    expect(still.roiAnalysis).toBe('- No region shows clear movement.\n- The motion supports no action unit.');
    expect(still.summary).toBe('AUs: none. Micro-expression: none.');
    const lids = Object.fromEntries(['Inner', 'Center', 'Outer'].flatMap((p) => [`Left Upper Eyelid ${p}`, `Right Upper Eyelid ${p}`]).map((n) => [n, [0, 3] as [number, number]]));
    const blink = describe(evidenceFor(lids), 'en');
    expect(blink.roiAnalysis).toContain('AU45 (Blink): bilateral');
    expect(blink.reasoning.split('\n')).toEqual([
      'Step 1: A blink (AU45) is present; it is not counted as a micro-expression.',
      'Step 2: Without an action unit there is no micro-expression between these frames.',
      'Step 3: There is therefore no micro-expression.',
    ]);
    expect(describe(evidenceFor(lids), 'zh-CN').reasoning).toContain('出现眨眼（AU45）');
  });

  it('names action units in Chinese as the AU picker does, with full-width brackets', () => {
    const smile = describe(evidenceFor({ 'Left Mouth Corner': [1, -1.2], 'Right Mouth Corner': [-1, -1.2], 'Left Cheek': [0, -1], 'Right Cheek': [0, -1] }), 'zh-CN');
    expect(smile.roiAnalysis).toContain('AU12（唇角上拉）');
    expect(smile.roiAnalysis).not.toMatch(/AU\d+ \(/);
  });

  it('names every region in Chinese', () => {
    const zh = describe(evidenceFor({ 'Upper Lip Center': [0, -1], 'Upper Lip Left': [0, -1], 'Upper Lip Right': [0, -1], 'Left Nasal Wing': [0, -1] }), 'zh-CN');
    expect(zh.roiAnalysis).toContain('上唇中部向上运动');
    expect(zh.roiAnalysis).toContain('上唇左侧');
    expect(zh.roiAnalysis).toContain('左鼻翼');
    expect(zh.roiAnalysis).not.toMatch(/[A-Za-z]{4,}/);
  });
});
