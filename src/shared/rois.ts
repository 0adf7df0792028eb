/**
 * The 29 MELLM regions of interest. "Left"/"Right" are the subject's own sides (FACS
 * convention: L = subject's left, which appears on the image's right in a frontal,
 * non-mirrored view). Sizes are the reference's square box sides in pixels of the
 * 400×480 training crop; cheeks are 0.12·H where H is the face's vertical landmark extent.
 */
import type { Language } from './language';

export type RoiGroup = 'eyelid' | 'eyebrow' | 'nose' | 'mouth-corner' | 'lip' | 'chin' | 'cheek';

export interface RoiSpec {
  readonly region: string;
  readonly group: RoiGroup;
  /** Side length in reference-crop pixels, or null for cheeks (0.12·H). */
  readonly size: number | null;
}

const sides = ['Left', 'Right'] as const;
const lidParts = ['Inner', 'Center', 'Outer'] as const;

export const ROI_SPECS: readonly RoiSpec[] = [
  ...sides.flatMap((side) =>
    (['Upper', 'Lower'] as const).flatMap((lid) =>
      lidParts.map((part) => ({ region: `${side} ${lid} Eyelid ${part}`, group: 'eyelid' as const, size: 10 })),
    ),
  ),
  ...sides.flatMap((side) =>
    (['Inner', 'Outer'] as const).map((part) => ({ region: `${side} ${part} Eyebrow`, group: 'eyebrow' as const, size: 15 })),
  ),
  ...sides.map((side) => ({ region: `${side} Nasal Wing`, group: 'nose' as const, size: 20 })),
  ...sides.map((side) => ({ region: `${side} Mouth Corner`, group: 'mouth-corner' as const, size: 15 })),
  ...(['Upper', 'Lower'] as const).flatMap((lip) =>
    (['Left', 'Center', 'Right'] as const).map((part) => ({ region: `${lip} Lip ${part}`, group: 'lip' as const, size: 15 })),
  ),
  { region: 'Chin', group: 'chin', size: 25 },
  ...sides.map((side) => ({ region: `${side} Cheek`, group: 'cheek' as const, size: null })),
];

export const ROI_NAMES: readonly string[] = ROI_SPECS.map((spec) => spec.region);

const ZH_PART: Readonly<Record<string, string>> = { Left: '左', Right: '右', Upper: '上', Lower: '下', Inner: '内侧', Outer: '外侧', Center: '中部' };

/** "Left Upper Eyelid Inner" → 左上眼睑内侧, "Upper Lip Left" → 上唇左侧, "Right Nasal Wing" → 右鼻翼. */
function zhRegion(name: string): string {
  const p = (word: string | undefined): string => ZH_PART[word ?? ''] ?? word ?? '';
  let m = /^(Left|Right) (Upper|Lower) Eyelid (Inner|Center|Outer)$/.exec(name);
  if (m) return `${p(m[1])}${p(m[2])}眼睑${p(m[3])}`;
  m = /^(Left|Right) (Inner|Outer) Eyebrow$/.exec(name);
  if (m) return `${p(m[1])}眉${p(m[2])}`;
  m = /^(Upper|Lower) Lip (Left|Center|Right)$/.exec(name);
  if (m) return `${p(m[1])}唇${m[2] === 'Center' ? '中部' : `${p(m[2])}侧`}`;
  m = /^(Left|Right) (Nasal Wing|Mouth Corner|Cheek)$/.exec(name);
  if (m) return `${p(m[1])}${{ 'Nasal Wing': '鼻翼', 'Mouth Corner': '嘴角', Cheek: '脸颊' }[m[2] as string] ?? ''}`;
  return name === 'Chin' ? '下巴' : name;
}

/**
 * A region's name as people read it in `language`: the English name is also the MELLM
 * prompt's and the stored data's, so it stays as is; Chinese is for display (the image's
 * labels, the Chinese description). A name this table does not know is shown unchanged.
 */
export function roiLabel(region: string, language: Language): string {
  return language === 'zh-CN' ? zhRegion(region) : region;
}

/** The MELLM reference crop the ROI sizes refer to. */
export const REFERENCE_CROP = { width: 400, height: 480 } as const;

/** A region placed on an image: box = [x, y, width, height] in that image's pixels. */
export interface RoiBox {
  readonly region: string;
  readonly box: readonly [number, number, number, number];
}
