import { AppError } from '@shared/errors';
import { ROI_SPECS, type RoiBox, type RoiGroup } from '@shared/rois';
import type { FlowField } from '../inference/flow/types';
import { causeOf, MASK_CODE, MIN_FREE_SHARE, type OcclusionCause } from './occlusion';

/**
 * Per-ROI motion features, computed exactly as the MELLM reference does: mean and max
 * flow magnitude in pixels (3 decimals), and the direction of the resultant vector with
 * y flipped (up positive), counter-clockwise from "right", snapped to 8 octants.
 */

export const OCTANTS = ['right', 'up-right', 'up', 'up-left', 'left', 'down-left', 'down', 'down-right'] as const;
export type Octant = (typeof OCTANTS)[number];

export const NO_MOTION = 'No significant motion detected';
export const NO_DOMINANT_DIRECTION = 'No clear dominant direction';
/** Reference thresholds: mean magnitude below this is "no motion"; |Σv|/Σ|v| below that is "no direction". */
export const MOTION_FLOOR_PX = 1e-4;
export const MIN_CONCENTRATION = 0.15;

export type Side = 'L' | 'R' | 'C';

export interface RoiFeature {
  readonly region: string;
  readonly group: RoiGroup | null;
  /** The subject's side the region lies on (C = midline). */
  readonly side: Side;
  /** Mean and max flow magnitude in pixels, rounded to 3 decimals as in the reference. */
  readonly meanMagnitude: number;
  readonly maxMagnitude: number;
  /** The same in face-normalised units: percent of the face height. */
  readonly meanNormalized: number;
  readonly maxNormalized: number;
  /** Mean flow vector in image axes (x right, y down), pixels, unrounded. */
  readonly meanVector: readonly [number, number];
  /** The mean flow vector in percent of the face height (what the AU rules read). */
  readonly meanVectorNormalized: readonly [number, number];
  /** |Σv| / Σ|v| in [0, 1]. */
  readonly concentration: number;
  /** Angle in degrees [0, 360), counter-clockwise from right with y up; null without a direction. */
  readonly angle: number | null;
  readonly octant: Octant | null;
  /** The reference's direction text: "up (88°)", or one of the two no-direction phrases. */
  readonly direction: string;
  /** Pixels the features were measured on: inside the clipped box and not covered (0 when none). */
  readonly pixels: number;
  /** Set when glasses or hair cover most of the region: its motion is theirs, so it reads as none. */
  readonly occluded?: OcclusionCause;
  /**
   * Set on a brow of a face wearing eyeglasses (the occlusion mask holds a frame): the top rim
   * runs beside it, and its drag reaches the flow there even where the mask does not.
   */
  readonly besideRim?: true;
  /**
   * Set when an eyeglass frame covers the region and its motion was read from the skin beside
   * the rim instead (a cheek just below the lens's lower rim, a brow on the forehead above the
   * top rim). Display only: the prompt's ROI lines never carry it.
   */
  readonly readFrom?: RimSide;
}

/** Where a region the frame covers was read: just below the lens's rim, or above it. */
export type RimSide = 'below-rim' | 'above-rim';

/** Covered pixels of a crop (occlusion.ts): 0 free, otherwise the cause's code. Same size as the flow. */
export interface OcclusionMask {
  readonly width: number;
  readonly height: number;
  readonly mask: Uint8Array;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** The subject's side a region lies on, from its name (C = midline). */
export function sideOf(region: string): Side {
  if (region.startsWith('Left ') || region.endsWith(' Left')) return 'L';
  if (region.startsWith('Right ') || region.endsWith(' Right')) return 'R';
  return 'C';
}

const groupByRegion = new Map(ROI_SPECS.map((spec) => [spec.region, spec.group]));

/** Octant of an angle in degrees (counter-clockwise from right, y up): 45° sectors centred on the 8 directions. */
export function octantOf(angle: number): Octant {
  return OCTANTS[Math.round(angle / 45) % 8] as Octant;
}

/** Clips an [x, y, w, h] box to the image; returns integer [x0, y0, x1, y1) bounds (possibly empty). */
export function clipBox(box: RoiBox['box'], width: number, height: number): [number, number, number, number] {
  const [x, y, w, h] = box;
  const x0 = Math.min(width, Math.max(0, Math.round(x)));
  const y0 = Math.min(height, Math.max(0, Math.round(y)));
  const x1 = Math.min(width, Math.round(x + w));
  const y1 = Math.min(height, Math.round(y + h));
  return [x0, y0, Math.max(x0, x1), Math.max(y0, y1)];
}

/**
 * A brow region under an eyeglass frame is read from its box grown upward by
 * `BROW_GROWTH_UNDER_GLASSES` box heights, down to the first row the frame's mask reaches.
 * The skin above a brow moves with it (frontalis raises the forehead with the brows; the
 * corrugator drags it down and in), while the top rim, running just under the brow, covers
 * the box and smears the flow two bar widths around it (occlusion.ts): at 200×240 the rim
 * and its smear cover 7.5-pixel brow boxes whole, and the forehead above them is free.
 *
 * In the lowest `ACROSS_ONLY_UNDER_GLASSES` box heights read, only the vertical component
 * counts: along an edge the flow's tangential component is not observable (the aperture
 * problem), so beside the rim the variational flow fills it in from the frame's bridge and
 * corners — a brow raise read there comes out drawn inward, which the AU rules take for AU4.
 *
 * Set on the six face-api photos with synthetic glasses at 320×240 (AU1+2 at D and B, AU4 at
 * D, AU6+12 at D, a still face with tremor; seeds 4300–4354, `bench/fit/glasses-brows.ts`;
 * AU F1 over those 30 clips): growth 2 and no across-only rows 0.786, growth 3 and one
 * box height left free above the mask 0.622; across-only rows 1 box height 0.723, 0.5 box
 * height 0.756. Without the across-only rows, a brow raise at E on sample3's face at
 * 256×192 (seed 5, the pipeline tests' clip) also reads AU4C; with half a box height it
 * does not. Hair is never read around: a fringe covers the forehead above as well.
 */
export const BROW_GROWTH_UNDER_GLASSES = 2;
export const ACROSS_ONLY_UNDER_GLASSES = 0.5;

interface ReadBox {
  readonly box: [number, number, number, number];
  readonly acrossFrom: number;
  /** Set when the box was moved off the frame. */
  readonly readFrom?: RimSide;
}

/** The box a region is read from (a brow box the frame touches, and no hair, grown upward; a cheek the frame crosses, below it) and the first row whose horizontal flow is left out. */
function readBox(flow: FlowField, roi: RoiBox, occlusion: OcclusionMask | undefined, cheeksBelowRim: boolean): ReadBox {
  const box = clipBox(roi.box, flow.width, flow.height);
  const plain = { box, acrossFrom: box[3] };
  const group = groupByRegion.get(roi.region);
  if (occlusion && group === 'cheek') return (cheeksBelowRim ? cheekBelowRim(occlusion, flow, box) : null) ?? plain;
  if (!occlusion || group !== 'eyebrow') return plain;
  const [x0, y0, x1, y1] = box;
  let glasses = false;
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      const code = occlusion.mask[y * flow.width + x];
      if (code === MASK_CODE.hair) return plain;
      if (code === MASK_CODE.glasses) glasses = true;
    }
  }
  if (!glasses) return plain;
  const tall = y1 - y0;
  const top = Math.max(0, y0 - Math.round(BROW_GROWTH_UNDER_GLASSES * tall));
  let bottom = top;
  while (bottom < y1 && !rowCovered(occlusion, flow.width, bottom, x0, x1)) bottom += 1;
  return { box: [x0, top, x1, bottom], acrossFrom: Math.max(top, bottom - Math.round(ACROSS_ONLY_UNDER_GLASSES * tall)), readFrom: 'above-rim' };
}

/**
 * A cheek the lens's lower rim crosses is read from a box of its own size just below the
 * lowest row the frame's mask reaches in it. AU6 raises the cheek as one sheet (orbicularis
 * oculi, pars orbitalis, lifts the skin from below the lid down to the cheekbone's lower
 * edge), so the skin under the rim carries the rise the covered rows would show. A cheek
 * reported occluded instead loses every AU6 under glasses, and with it the share of a lower
 * lid's rise the AU7 rule leaves to the cheek: a smile with AU6E reads as lid tightening and fear.
 *
 * Set on the fitting seeds' glasses clips (7100, 7300, 7500, 7600, 7700, 7800, 7900, 80
 * MEs; the pipeline's flow and mask replayed through the features and the AU rules,
 * `bench/fit/glasses-replay.ts`, the 80 with an analysed interval): AU macro F1 0.847 with
 * the cheek reported occluded (AU6 0/0/4), 0.873 reading its own free pixels when half its
 * box is free (AU6 1/0/3: a rim across the middle leaves less), 0.913 read just below the
 * rim (AU6 4/0/0, nothing else moves), 0.904 with a gap of 2 or 4 rows under the mask.
 * Returns null when the mask does not reach the box.
 */
function cheekBelowRim(occlusion: OcclusionMask, flow: FlowField, [x0, y0, x1, y1]: readonly [number, number, number, number]): ReadBox | null {
  let last = -1;
  // The lens's rim only: the cheek box is read below glasses, never below another cause's mask.
  for (let y = y0; y < y1; y += 1) if (rowCovered(occlusion, flow.width, y, x0, x1, MASK_CODE.glasses)) last = y;
  if (last < 0) return null;
  const top = Math.min(flow.height, last + 1);
  return { box: [x0, top, x1, Math.min(flow.height, top + y1 - y0)], acrossFrom: flow.height, readFrom: 'below-rim' };
}

/** Whether any pixel of the row's span is masked (by `code` when given, by any cause otherwise). */
function rowCovered(occlusion: OcclusionMask, width: number, y: number, x0: number, x1: number, code?: number): boolean {
  for (let x = x0; x < x1; x += 1) {
    const masked = occlusion.mask[y * width + x] ?? 0;
    if (code === undefined ? masked !== 0 : masked === code) return true;
  }
  return false;
}

function featureOf(flow: FlowField, roi: RoiBox, faceHeight: number, occlusion: OcclusionMask | undefined, glasses: boolean, cheeksBelowRim: boolean): RoiFeature {
  const [bx0, by0, bx1, by1] = clipBox(roi.box, flow.width, flow.height);
  const { box: [x0, y0, x1, y1], acrossFrom, readFrom } = readBox(flow, roi, occlusion, cheeksBelowRim);
  const plane = flow.width * flow.height;
  let sumU = 0;
  let sumV = 0;
  let sumMag = 0;
  let maxMag = 0;
  let covered = 0;
  const causes = [0, 0, 0];
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      const i = y * flow.width + x;
      const code = occlusion ? (occlusion.mask[i] as number) : 0;
      if (code) {
        covered += 1;
        causes[code] = (causes[code] ?? 0) + 1;
        continue;
      }
      const u = y >= acrossFrom ? 0 : (flow.data[i] as number);
      const v = flow.data[plane + i] as number;
      const mag = Math.hypot(u, v);
      sumU += u;
      sumV += v;
      sumMag += mag;
      if (mag > maxMag) maxMag = mag;
    }
  }
  const box = (bx1 - bx0) * (by1 - by0);
  const free = (x1 - x0) * (y1 - y0) - covered;
  // Fewer free pixels than most of the box: what moved there is the frame or the hair, so the
  // region reads as still. So does a cheek the lens's rim crosses when it is not read below the rim.
  const rimOverCheek = !cheeksBelowRim && covered > 0 && (causes[MASK_CODE.glasses] ?? 0) > 0 && groupByRegion.get(roi.region) === 'cheek';
  const occluded = box > 0 && (free < MIN_FREE_SHARE * box || rimOverCheek) ? causeOf((causes[2] ?? 0) > (causes[1] ?? 0) ? 2 : 1) : null;
  if (occluded) [sumU, sumV, sumMag, maxMag] = [0, 0, 0, 0];
  const pixels = occluded ? 0 : free;
  const mean = pixels > 0 ? sumMag / pixels : 0;
  const concentration = sumMag > 0 ? Math.hypot(sumU, sumV) / sumMag : 0;
  let angle: number | null = null;
  let direction: string;
  if (mean < MOTION_FLOOR_PX) direction = NO_MOTION;
  else if (concentration < MIN_CONCENTRATION) direction = NO_DOMINANT_DIRECTION;
  else {
    // Image y points down: flip it so that "up" is 90°.
    angle = ((Math.atan2(-sumV, sumU) * 180) / Math.PI + 360) % 360;
    direction = `${octantOf(angle)} (${Math.round(angle) % 360}°)`;
  }
  const toFace = (px: number): number => round3((px / faceHeight) * 100);
  return {
    region: roi.region,
    group: groupByRegion.get(roi.region) ?? null,
    side: sideOf(roi.region),
    meanMagnitude: round3(mean),
    maxMagnitude: round3(maxMag),
    meanNormalized: toFace(mean),
    maxNormalized: toFace(maxMag),
    meanVector: pixels > 0 ? [sumU / pixels, sumV / pixels] : [0, 0],
    meanVectorNormalized: pixels > 0 ? [(sumU / pixels / faceHeight) * 100, (sumV / pixels / faceHeight) * 100] : [0, 0],
    concentration,
    angle,
    octant: angle === null ? null : octantOf(angle),
    direction,
    pixels,
    ...(occluded ? { occluded } : {}),
    ...(glasses && !occluded && groupByRegion.get(roi.region) === 'eyebrow' ? { besideRim: true as const } : {}),
    ...(readFrom && !occluded ? { readFrom } : {}),
  };
}

/** How a flow's regions are read. */
export interface RoiReading {
  /**
   * Read a cheek the lens's lower rim crosses just below the rim (default) instead of
   * reporting it occluded. The AU rules want it (AU6 under glasses). The spotting scan and the
   * apex search do not (motion.ts): their session rules were set on signals in which such a
   * cheek was silent, and the skin just below the rim moves with the eyes there.
   */
  readonly cheeksBelowRim?: boolean;
}

/**
 * Motion features of every ROI on a flow field (onset → apex expression flow).
 * `faceHeight` (pixels, the vertical landmark extent) scales the normalised units;
 * pixels under `occlusion` (glasses, hair) are left out.
 */
export function roiFeatures(flow: FlowField, rois: readonly RoiBox[], faceHeight: number, occlusion?: OcclusionMask, reading: RoiReading = {}): RoiFeature[] {
  if (flow.data.length !== 2 * flow.width * flow.height) {
    throw new AppError('INVALID_INPUT', `Flow field data has ${flow.data.length} values, expected 2×${flow.width}×${flow.height}.`);
  }
  if (!(faceHeight > 0) || !Number.isFinite(faceHeight)) {
    throw new AppError('INVALID_INPUT', `Face height must be a positive number of pixels, got ${faceHeight}.`);
  }
  if (occlusion && (occlusion.width !== flow.width || occlusion.height !== flow.height || occlusion.mask.length !== flow.width * flow.height)) {
    throw new AppError('INVALID_INPUT', `The occlusion mask is ${occlusion.width}×${occlusion.height}, the flow ${flow.width}×${flow.height}.`);
  }
  const glasses = occlusion !== undefined && occlusion.mask.includes(MASK_CODE.glasses);
  const cheeksBelowRim = reading.cheeksBelowRim ?? true;
  return rois.map((roi) => featureOf(flow, roi, faceHeight, occlusion, glasses, cheeksBelowRim));
}
