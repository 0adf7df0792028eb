/**
 * Our 29 ROIs under the MELLM reference's names, in the reference's order: the order its
 * `get_roi_flow` builds the regions in (lower eyelids, upper eyelids, eyebrows, nostril
 * wings, mouth corners, upper lip, lower lip, chin, cheeks) and the names its
 * `roi_name_map` gives them. The two sets match one to one.
 *
 * Sides: the reference names a side as it appears in the image. Its 98-point (WFLW)
 * landmarks run from the image's left, its "left" eye is the one on the image's left, and
 * it pushes its "left" wing, mouth corner and cheek boxes towards −x. Our names use the
 * subject's own sides (FACS), so in a frontal, non-mirrored view the reference's "Left"
 * is our "Right" and the reference's "(Left Side)" of an eyelid is the side nearer the
 * image's left: the outer corner of the subject's right eye, the inner corner of the left.
 */
export interface MellmRoi {
  /** The reference's key in `roi_name_map`. */
  readonly key: string;
  /** The name the reference writes in its prompt. */
  readonly name: string;
  /** Our ROI (ROI_SPECS). */
  readonly region: string;
}

export const MELLM_ROIS: readonly MellmRoi[] = [
  { key: 'left_eye_down_left', name: 'Left Lower Eyelid (Left Side)', region: 'Right Lower Eyelid Outer' },
  { key: 'left_eye_down_center', name: 'Left Lower Eyelid (Center)', region: 'Right Lower Eyelid Center' },
  { key: 'left_eye_down_right', name: 'Left Lower Eyelid (Right Side)', region: 'Right Lower Eyelid Inner' },
  { key: 'right_eye_down_left', name: 'Right Lower Eyelid (Left Side)', region: 'Left Lower Eyelid Inner' },
  { key: 'right_eye_down_center', name: 'Right Lower Eyelid (Center)', region: 'Left Lower Eyelid Center' },
  { key: 'right_eye_down_right', name: 'Right Lower Eyelid (Right Side)', region: 'Left Lower Eyelid Outer' },
  { key: 'left_eye_upper_left', name: 'Left Upper Eyelid (Left Side)', region: 'Right Upper Eyelid Outer' },
  { key: 'left_eye_upper_center', name: 'Left Upper Eyelid (Center)', region: 'Right Upper Eyelid Center' },
  { key: 'left_eye_upper_right', name: 'Left Upper Eyelid (Right Side)', region: 'Right Upper Eyelid Inner' },
  { key: 'right_eye_upper_left', name: 'Right Upper Eyelid (Left Side)', region: 'Left Upper Eyelid Inner' },
  { key: 'right_eye_upper_center', name: 'Right Upper Eyelid (Center)', region: 'Left Upper Eyelid Center' },
  { key: 'right_eye_upper_right', name: 'Right Upper Eyelid (Right Side)', region: 'Left Upper Eyelid Outer' },
  { key: 'left_outer_brow', name: 'Left Outer Eyebrow', region: 'Right Outer Eyebrow' },
  { key: 'left_inner_brow', name: 'Left Inner Eyebrow', region: 'Right Inner Eyebrow' },
  { key: 'right_outer_brow', name: 'Right Outer Eyebrow', region: 'Left Outer Eyebrow' },
  { key: 'right_inner_brow', name: 'Right Inner Eyebrow', region: 'Left Inner Eyebrow' },
  { key: 'left_wing', name: 'Left Nostril Wing', region: 'Right Nasal Wing' },
  { key: 'right_wing', name: 'Right Nostril Wing', region: 'Left Nasal Wing' },
  { key: 'left_corner', name: 'Left Mouth Corner', region: 'Right Mouth Corner' },
  { key: 'right_corner', name: 'Right Mouth Corner', region: 'Left Mouth Corner' },
  { key: 'upper_78_90', name: 'Upper Lip (Left Side)', region: 'Upper Lip Right' },
  { key: 'upper_80_91', name: 'Upper Lip (Center)', region: 'Upper Lip Center' },
  { key: 'upper_82_92', name: 'Upper Lip (Right Side)', region: 'Upper Lip Left' },
  { key: 'lower_96_87_88', name: 'Lower Lip (Left Side)', region: 'Lower Lip Right' },
  { key: 'lower_94_85_84', name: 'Lower Lip (Right Side)', region: 'Lower Lip Left' },
  { key: 'lower_95_86', name: 'Lower Lip (Center)', region: 'Lower Lip Center' },
  { key: 'chin_17', name: 'Chin', region: 'Chin' },
  { key: 'left_cheek', name: 'Left Cheek', region: 'Right Cheek' },
  { key: 'right_cheek', name: 'Right Cheek', region: 'Left Cheek' },
];

/** Our ROI name → its reference entry. */
export const MELLM_ROI_BY_REGION: ReadonlyMap<string, MellmRoi> = new Map(MELLM_ROIS.map((roi) => [roi.region, roi]));

