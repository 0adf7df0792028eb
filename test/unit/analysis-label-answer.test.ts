import { describe, expect, it } from 'vitest';
import { describeCodedLabel } from '../../src/main/analysis/describer';
import { labelAnswer } from '../../src/main/analysis/label-answer';
import { featuresFromMotion } from '../helpers/roi-motion';

/** AU1 + AU2: both brows rise (image y points down). */
const browsUp = featuresFromMotion({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2], 'Left Outer Eyebrow': [0.2, -1.6], 'Right Outer Eyebrow': [-0.2, -1.6] }, 400);

describe("the answer a label teaches: the MELLM prompt's three sections from a coder's label", () => {
  it('writes the coded AUs over the measured motion, the reasoning to the label, and the summary line with the FACS as written', () => {
    const label = { facs: '1C+2B+R12', aus: [{ au: 1, side: null }, { au: 2, side: null }, { au: 12, side: 'R' }] as const, emotion: 'Surprise', label: 'Surprise' as const, description: null };
    expect(labelAnswer(label, browsUp)).toBe(
      [
        '### 1. Analyze ROIs (Regions of Interest)',
        '- Left Inner Eyebrow moves up (90°), mean 2 px (0.5% of face height).',
        '- Right Inner Eyebrow moves up (90°), mean 2 px (0.5% of face height).',
        '- Left Outer Eyebrow moves up (83°), mean 1.612 px (0.403% of face height).',
        '- Right Outer Eyebrow moves up (97°), mean 1.612 px (0.403% of face height).',
        '- AU1 (Inner Brow Raiser): seen at Left Inner Eyebrow and Right Inner Eyebrow.',
        '- AU2 (Outer Brow Raiser): seen at Left Outer Eyebrow and Right Outer Eyebrow.',
        '- AU12 (Lip Corner Puller), right: no region clearly moves its way.',
        '',
        '### 2. Infer the micro-expression category',
        'Step 1: The movement at Left Inner Eyebrow, Right Inner Eyebrow, Left Outer Eyebrow and Right Outer Eyebrow indicates AU1 (Inner Brow Raiser) and AU2 (Outer Brow Raiser).',
        'Step 2: The combination AU1+AU2+AU12 is coded as surprise, a Surprise micro-expression.',
        'Step 3: The micro-expression is therefore Surprise.',
        '',
        '### 3. Summarize the AUs and the micro-expression',
        'AUs: 1C+2B+R12; micro-expression: Surprise',
      ].join('\n'),
    );
  });

  it("keeps the coder's description as the reasoning, and says what the motion does not show", () => {
    const answer = labelAnswer({ facs: 'L4+43', aus: [{ au: 4, side: 'L' }, { au: 43, side: null }], emotion: 'tense', label: 'Negative', description: '  Brief frown, then the eyes close.  ' }, browsUp);
    expect(answer).toContain('- AU4 (Brow Lowerer), left: no region clearly moves its way.\n- AU43 (Eyes Closed): not measured by the regions of interest.\n');
    expect(answer).toContain('### 2. Infer the micro-expression category\nBrief frown, then the eyes close.\n\n### 3.');
    expect(answer.endsWith('\nAUs: L4+43; micro-expression: Negative')).toBe(true);
    const none = labelAnswer({ facs: '', aus: [], emotion: null, label: 'Positive', description: null }, []);
    expect(none).toContain('- No region shows clear movement.\n- No action unit is coded.\n');
    expect(none).toContain('Step 2: Without an action unit, the movement is coded as a Positive micro-expression.');
    expect(none.endsWith('AUs: none; micro-expression: Positive')).toBe(true);
  });

  it("reads a region's direction from its stored angle, and its share of the face from a nominal face when the analysis kept none", () => {
    // Stored rows keep region, magnitudes, direction text and angle; 4 px on a 400 px face is 1 %.
    const stored = [{ region: 'Right Mouth Corner', meanMagnitude: 4, angle: 135 }, { region: 'Left Mouth Corner', meanMagnitude: 0.2, angle: 45 }];
    const answer = labelAnswer({ facs: '12', aus: [{ au: 12, side: null }], emotion: 'happiness', label: 'Positive', description: null }, stored);
    expect(answer).toContain('- Right Mouth Corner moves up-left (135°), mean 4 px (1% of face height).\n- AU12 (Lip Corner Puller): seen at Right Mouth Corner.');
    expect(answer).not.toContain('Left Mouth Corner moves');
  });

  it('writes the same label in Simplified Chinese', () => {
    const zh = describeCodedLabel({ aus: [{ au: 1, side: null }, { au: 2, side: null }], emotion: 'surprise', label: 'Surprise' }, browsUp, 'zh-CN');
    expect(zh.roiAnalysis.split('\n').at(-1)).toBe('- AU2（外眉上扬）：见于左眉外侧、右眉外侧。');
    expect(zh.reasoning.split('\n')[1]).toBe('第二步：AU1+AU2 的组合被编码为惊讶，属于惊讶微表情。');
  });
});
