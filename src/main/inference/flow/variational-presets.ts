import type { FlowPresetName } from '@shared/api/flow';
import type { CoarseMatchOptions } from './coarse-match';
import type { FlowPropagationOptions } from './flow-propagation';
import type { OcclusionOptions } from './occlusions';
import type { TexturelessFillOptions } from './textureless-fill';

/**
 * The default flow model, generated as an ONNX graph: coarse-to-fine variational flow
 * (Brox et al. 2004; Sun, Roth & Black, "Secrets of optical flow estimation", 2010).
 *
 * Per pyramid level and warp: the second frame is warped by the current flow with
 * GridSample and differentiated (I, Ix, Iy, Ixx, Ixy, Iyy); the data term (brightness + γ ×
 * gradient constancy, Charbonnier, lagged weights, optionally normalised as in DeepFlow) is
 * linearised into a per-pixel 2×2 motion tensor; the smoothness term on the total flow
 * (Neumann borders) is quadratic or Charbonnier with lagged per-pixel weights, so one
 * Jacobi sweep is a single 3×3 AveragePool plus a few elementwise ops with per-pixel
 * coefficients precomputed once per lagged round (optionally Chebyshev-accelerated).
 * A median filter on the flow after each warp provides the robustness of a non-local
 * term cheaply (Sun et al.).
 */
export interface VariationalFlowOptions {
  /** Pyramid levels including the finest one. */
  readonly levels: number;
  /** Downsampling factor between levels (0.5 halves). */
  readonly scale: number;
  /** Levels below this index are not solved: the flow is upsampled from it (0 = solve all). */
  readonly finestLevel: number;
  /** Warps per level. */
  readonly warps: number;
  /**
   * Warps at the finest solved level, the one above it, … (where each warp costs the most);
   * levels beyond the list use `warps`.
   */
  readonly fineWarps?: readonly number[];
  /**
   * The warps of each level `fineWarps` lists run as one run of a graph that warps that many
   * times (frame 1's derivative stack and the level's terms computed once): one ONNX Runtime
   * run and output copy per level, for a warp graph that many times larger to create at
   * start-up. The flow is the same either way. The coarse levels keep a warp a run: at their
   * sizes a run costs little beyond its warp, and their shared graph would triple.
   */
  readonly fineWarpsInOneRun?: boolean;
  /** Lagged re-linearisations of the robust weights per warp. */
  readonly rounds: number;
  /**
   * Rounds per warp at the finest solved level, the one above it, … (a round re-linearises
   * at a level's full size); levels beyond the list use `rounds`.
   */
  readonly fineRounds?: readonly number[];
  /** Jacobi sweeps per round. */
  readonly iterations: number;
  /**
   * Sweeps per round at the finest solved level, the one above it, … (where a sweep costs
   * the most); levels beyond the list use `iterations`.
   */
  readonly fineIterations?: readonly number[];
  /**
   * Chebyshev acceleration of the Jacobi sweeps for a spectral-radius bound ρ (Golub &
   * Varga): w_k+1 = ω_k+1 (J(w_k) − w_k−1) + w_k−1; absent = plain Jacobi.
   */
  readonly chebyshev?: number;
  /** Smoothness weight (intensities scaled to [0, 1]). */
  readonly alpha: number;
  /**
   * α at pyramid level l is alpha · alphaPerLevel^(l − finestLevel) (absent = the same α
   * everywhere): a coarse level stands for more pixels' worth of smoothness.
   */
  readonly alphaPerLevel?: number;
  /** Gradient-constancy weight relative to brightness constancy. */
  readonly gamma: number;
  /** Image-driven smoothness: α·exp(−κ·|∇I₁|) per pixel (0 = uniform α). */
  readonly edgeKappa?: number;
  /**
   * Constraint normalisation (Zimmer et al. 2011, as in DeepFlow): each constancy term is
   * divided by |∇(its image)|² + ζ², so residuals are in pixels and strong edges do not
   * dominate. ζ in intensity units (frames scaled to [0, 1]); absent = unnormalised.
   */
  readonly zeta?: number;
  /**
   * Robust (Charbonnier) smoothness: each pixel's weight ε_s/√(|∇u|² + |∇v|² + ε_s²) of the
   * lagged flow (1 where the flow is smooth, less across motion boundaries); absent = quadratic.
   */
  readonly smoothEpsilon?: number;
  /** Charbonnier ε of the data term. */
  readonly epsilon: number;
  /** Median filter applied to the flow after each warp (0 = off). */
  readonly median: 0 | 3 | 5;
  /** Exact 2-D median (TopK) instead of the separable approximation. */
  readonly exactMedian?: boolean;
  /** Exact median at the finest solved level only (where its accuracy shows most). */
  readonly exactMedianFinest?: boolean;
  readonly interpolation: 'bilinear' | 'bicubic';
  /** Gaussian pre-smoothing of the input frames, in pixels. */
  readonly presmooth: number;
  /**
   * Structure–texture decomposition (Sun et al.): the frames become I − w·G_σ(I), which
   * removes shading and slow illumination changes (the structure) and keeps (1 − w) of it.
   */
  readonly texture?: { readonly sigma: number; readonly weight: number };
  /**
   * Block matching at one coarse level, around the flow propagated from the level above,
   * before that level's warps (large motion of small layers; see coarse-match.ts). It runs
   * between the staged graphs, so the single-graph reference leaves it out.
   */
  readonly match?: CoarseMatchOptions;
  /**
   * Neighbours' flows tried per pixel on these levels, before their warps (misplaced motion
   * boundaries of large motion; see flow-propagation.ts). Runs between the staged graphs,
   * so the single graph leaves it out.
   */
  readonly propagation?: readonly FlowPropagationOptions[];
  /**
   * Occlusion handling on the finest solved level's flow (occlusions.ts): pixels another
   * pixel explains better where they land, and pixels leaving the frame, re-estimated from
   * the visible ones. Runs between the staged graphs, so the single graph leaves it out.
   */
  readonly occlusions?: OcclusionOptions;
  /**
   * Textureless regions' flow moved towards a local affine fit of the textured pixels around
   * them, after the warps of each listed level (textureless-fill.ts). Runs between the
   * staged graphs, so the single graph leaves it out.
   */
  readonly textureless?: readonly TexturelessFillOptions[];
}

export type FlowPreset = FlowPresetName;

/**
 * The spotting scan's and apex search's flow (80×96 face crops, every frame): the spotting
 * thresholds, the lighting match and the evaluation goldens were set with this flow, so it
 * is the pipeline's own configuration and does not follow the user-facing `fast` preset.
 * Tuned on the four Middlebury pairs; small motion only (docs/flow-presets.md).
 */
export const SCAN_FLOW: VariationalFlowOptions = {
  levels: 5, scale: 0.55, finestLevel: 1, warps: 1, rounds: 1, iterations: 10,
  alpha: 0.01, gamma: 16, epsilon: 0.01, median: 5, interpolation: 'bicubic', presmooth: 0.6,
};

/** The textureless fill of accurate's levels 3 and 2 (fitted on the hard pairs' fitting seeds 1–5, Middlebury and the faces as guards). */
const ACCURATE_TEXTURELESS: Omit<TexturelessFillOptions, 'level'> = {
  half: 3, threshold: 3e-6, tile: 16, reach: 24, step: 2, rounds: 2, scale: 1, minSamples: 30, seeded: true, maxChange: 3,
};

/** Tuned on the Middlebury pairs and the fitting seeds of the generated hard pairs (docs/flow-presets.md). */
export const FLOW_PRESETS: Record<FlowPreset, VariationalFlowOptions> = {
  // A deep pyramid (coarsest side 15–20 px) with three warps on its cheap levels for large
  // motion, the texture part of the frames (brightness changes), α growing 1.4× per level
  // up the pyramid; the full-resolution level is not solved. Chebyshev-accelerated sweeps:
  // 15 on the coarse levels (their runs cost little more for it, and large motion is
  // decided there), 10 on level 2, and one warp of 7 on level 1 (half resolution, where a
  // sweep costs the most). Occluded pixels are re-estimated from the visible ones: covered
  // ones on level 2 (a quarter of level 1's pixels: half the CPU for 0.01 px), those
  // leaving the frame on level 1. Before the warps of levels 3 and 2 each pixel tries its
  // neighbours' flows 3 and 8 px away (flow-propagation.ts), which moves motion boundaries
  // the blurred coarse levels misplaced. Fitted on the fitting seeds 1–5, Middlebury and
  // the faces.
  fast: {
    levels: 7, scale: 0.5, finestLevel: 1, warps: 3, fineWarps: [1, 2], fineWarpsInOneRun: true, rounds: 1, iterations: 15, fineIterations: [7, 10], chebyshev: 0.97,
    alpha: 0.015, alphaPerLevel: 1.4, gamma: 16, epsilon: 0.01, median: 5, interpolation: 'bicubic', presmooth: 0.6,
    texture: { sigma: 3, weight: 0.8 },
    propagation: [
      { level: 3, radii: [3, 8], half: 2, margin: 5e-4 },
      { level: 2, radii: [3, 8], half: 2, margin: 5e-4 },
    ],
    occlusions: {
      border: { tile: 16, reach: 24, step: 2, rounds: 2, scale: 1 },
      cover: { threshold: 0.01, ratio: 1.5, dilate: 2, fill: { edge: 100, passes: 2 }, level: 2 },
    },
  },
  balanced: {
    levels: 6, scale: 0.6, finestLevel: 0, warps: 1, rounds: 2, iterations: 8,
    alpha: 0.01, gamma: 10, epsilon: 0.01, median: 5, interpolation: 'bicubic', presmooth: 0.6,
  },
  // Robust (Charbonnier) smoothness weighted down at image edges, normalised data terms,
  // Chebyshev-accelerated sweeps; three warps on the cheap coarse levels, two on the level
  // below full resolution, one at full resolution (which costs as much as all the rest).
  // On the level below full resolution each warp re-linearises once (one round of 10
  // sweeps: its second warp re-linearises anyway), and full resolution takes two rounds of
  // 5 sweeps — the same error for ≈ 10 % less CPU than two rounds of 6 on both (fitted on
  // the hard pairs' fitting seeds 1–5, Middlebury and the faces as guards; one round at
  // full resolution loses on Middlebury, fewer sweeps on level 2 lose on the hard pairs).
  // Block matching at level 4 (≈ 1/8 resolution, ±4 px there) finds small layers moving
  // too far for the warps; on levels 4 and 3 each pixel then tries its neighbours' flows (3
  // and 8 px away), which moves motion boundaries the blurred coarse levels misplaced, and
  // on level 2 those 3 px away, which moves them the last pixels the finer level resolves
  // (fitted on the hard pairs' fitting seeds 1–5, Middlebury and the face pairs as guards;
  // docs/flow-presets.md); α grows 1.25× per level up the pyramid. Occluded pixels are
  // re-estimated from the visible ones: covered ones on levels 2 (≈ 1/3 resolution, the
  // finer warps refine the fill) and 1, those leaving the frame on level 1. After the warps of levels 3 and 2, textureless pixels
  // move towards a local affine fit of the textured pixels' flow around them (a rotating
  // or zooming flat region, where the first-order smoothness leaves a translation); the
  // fit is seeded with their own mean flow and a fit more than 3 px from a pixel's flow is
  // not taken, so a neighbouring layer's motion does not take over.
  accurate: {
    levels: 7, scale: 0.6, finestLevel: 0, warps: 3, fineWarps: [1, 2], rounds: 2, fineRounds: [2, 1], iterations: 6, fineIterations: [5, 10], chebyshev: 0.99,
    alpha: 10, alphaPerLevel: 1.25, edgeKappa: 10, smoothEpsilon: 0.1, gamma: 10, zeta: 0.03, epsilon: 0.1, median: 5,
    interpolation: 'bicubic', presmooth: 0.75, texture: { sigma: 3, weight: 0.5 },
    // Matching reaches ±4 level-4 pixels (≈ 31 px at full resolution) around the propagated
    // flow: the propagation on level 4 that follows carries a layer's motion further, so ±6
    // tries 2.1× the candidates for no gain (fitted on the hard pairs' fitting seeds 1–5,
    // Middlebury and the faces as guards).
    match: { level: 4, radius: 4, half: 2, penalty: 1e-4 },
    // The ratio: in a faint region (a dark skirt, a shadow) every patch cost is below the
    // margin, so the wrong layer's flow the coarse levels spread there stays unless a
    // neighbour's flow halves the cost. Level 4 first, after the match: its 8 pixels reach
    // ≈ 60 px at full resolution, so the right flow gets into a faint region's middle
    // (fitted on the hard pairs' fitting seeds 1–5, Middlebury and the faces as guards).
    propagation: [
      { level: 4, radii: [3, 8], half: 2, margin: 5e-4, ratio: 0.5 },
      { level: 3, radii: [3, 8], half: 2, margin: 5e-4, ratio: 0.5 },
      { level: 2, radii: [3], half: 2, margin: 5e-4, ratio: 0.5 },
    ],
    occlusions: {
      border: { tile: 20, reach: 30, step: 2, rounds: 2, scale: 1, level: 1 },
      // Covered pixels on level 2, then again on level 1: the finer test finds the part of
      // the covered band level 2's pixels were too coarse to hold (fitted on the fitting
      // seeds 1–5, Middlebury and the faces as guards).
      cover: { threshold: 0.01, ratio: 1.5, dilate: 3, fill: { edge: 100, passes: 2 }, level: [2, 1] },
    },
    textureless: [3, 2].map((level) => ({ level, ...ACCURATE_TEXTURELESS })),
  },
};

/** A named parameter set: a user-facing preset, or the pipeline's spotting scan flow. */
export type FlowConfiguration = FlowPreset | 'scan';

export const FLOW_CONFIGURATIONS: Record<FlowConfiguration, VariationalFlowOptions> = { ...FLOW_PRESETS, scan: SCAN_FLOW };

/**
 * The flow the spotting scan and apex search run with for the user's spotting choice: the
 * fast choice is the scan's own configuration (what the spotting was validated with, the
 * default); balanced and accurate are the presets of those names.
 */
export function spottingFlow(choice: FlowPreset): FlowConfiguration {
  return choice === 'fast' ? 'scan' : choice;
}
