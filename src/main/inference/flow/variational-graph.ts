import { GraphBuilder } from '../onnx/graph';
import { ImageOps } from './graph-ops';
import type { VariationalFlowOptions } from './variational-presets';

/** Derivative stack kernels (5×5): I, Ix, Iy, Ixx, Ixy, Iyy with fourth-order stencils. */
function derivativeKernels(): number[] {
  const d1 = [1, -8, 0, 8, -1].map((v) => v / 12);
  const d2 = [-1, 16, -30, 16, -1].map((v) => v / 12);
  const c1 = [0, -0.5, 0, 0.5, 0];
  const delta = [0, 0, 1, 0, 0];
  const outer = (col: number[], row: number[]) => col.flatMap((cv) => row.map((rv) => cv * rv));
  return [
    ...outer(delta, delta),
    ...outer(delta, d1),
    ...outer(d1, delta),
    ...outer(delta, d2),
    ...outer(c1, c1),
    ...outer(d2, delta),
  ];
}

/**
 * The whole flow in one graph (frame1, frame2 → flow). ONNX Runtime's allocation planner
 * grows faster than linearly with its node count (docs/flow-presets.md, "Session
 * creation"), so the flow model runs the same computation as the staged graphs below; this
 * one stays the reference they are tested against and a self-contained export.
 */
export function buildVariationalFlowGraph(options: VariationalFlowOptions): GraphBuilder {
  const g = new GraphBuilder('variational_flow');
  const o = new ImageOps(g);
  const a = g.input('frame1', 'float32', [1, 1, 'height', 'width']);
  const b = g.input('frame2', 'float32', [1, 1, 'height', 'width']);
  const pyramid = pyramidOf(o, o.mul(g.op1('Concat', [a, b], { axis: 0 }), o.f(PIXEL_SCALE)), options);
  let flow: string | null = null;
  for (let level = options.levels - 1; level >= options.finestLevel; level -= 1) {
    const frames = pyramid[level] as string;
    const { frame1, frame2 } = splitPair(o, frames);
    const d1 = derive(o, frame1);
    let levelFlow: string = flow === null ? o.mul(g.op1('Concat', [frame1, frame1], { axis: 1 }), o.f(0)) : upsampleFlow(o, flow, frame1);
    const warpOptions = levelWarpOptions(options, level);
    const terms = levelTerms(o, warpOptions, d1, o.f(levelSmoothness(options, level)));
    for (let warp = 0; warp < levelWarps(options, level); warp += 1) levelFlow = warpOnce(o, warpOptions, terms, d1, frame2, levelFlow);
    flow = levelFlow;
  }
  if (options.finestLevel > 0) flow = upsampleFlow(o, flow as string, a);
  g.op('Identity', [flow as string], {}, ['flow']);
  g.output('flow', 'float32', [1, 2, 'height', 'width']);
  return g;
}

/** Warps at pyramid `level` (the finest solved levels may have their own count). */
export function levelWarps(options: VariationalFlowOptions, level: number): number {
  return options.fineWarps?.[level - options.finestLevel] ?? options.warps;
}

/** The options one warp at `level` depends on: the exact median, sweeps and rounds where the level has its own. */
export function levelWarpOptions(options: VariationalFlowOptions, level: number): VariationalFlowOptions {
  const exactMedian = Boolean(options.exactMedian || (level === options.finestLevel && options.exactMedianFinest));
  const { fineIterations, fineRounds, ...rest } = options;
  const fine = level - options.finestLevel;
  return { ...rest, exactMedian, iterations: fineIterations?.[fine] ?? options.iterations, rounds: fineRounds?.[fine] ?? options.rounds };
}

/** Gray levels 0–255 → [0, 1]: the float32 factor every graph input is scaled by. */
export const PIXEL_SCALE = Math.fround(1 / 255);

/** The pyramid graph's input: both frames as a batch of 2, already × PIXEL_SCALE (see writeGray). */
export const FRAMES_INPUT = 'frames';

/**
 * Stage 1 of the staged flow: both frames (scaled to [0, 1] by the caller, who writes them
 * into one buffer anyway: no Concat and scaling pass at full resolution here), pre-filtered
 * and taken down the pyramid as a batch of 2; outputs [2, 1, h_i, w_i] for every solved
 * level, finest first.
 */
export function buildFlowPyramidGraph(options: VariationalFlowOptions): GraphBuilder {
  const g = new GraphBuilder('variational_flow_pyramid');
  const o = new ImageOps(g);
  const pyramid = pyramidOf(o, g.input(FRAMES_INPUT, 'float32', [2, 1, 'height', 'width']), options);
  // The levels' own tensors are the outputs (in level order, finest first): an Identity to
  // name them would copy every level on every call.
  for (let level = options.finestLevel; level < options.levels; level += 1) g.output(pyramid[level] as string, 'float32', [2, 1, `height${level}`, `width${level}`]);
  return g;
}

/** The warp graph's 9α input when a preset's α changes by level (see levelSmoothness). */
export const SMOOTHNESS_INPUT = 'smoothness';

/** 9α at pyramid `level`, the value the warp graph's smoothness input takes there. */
export function levelSmoothness(options: VariationalFlowOptions, level: number): number {
  return 9 * levelAlpha(options, level);
}

/** α at pyramid `level`: alpha · alphaPerLevel^(level − finestLevel). */
export function levelAlpha(options: VariationalFlowOptions, level: number): number {
  return options.alpha * (options.alphaPerLevel ?? 1) ** (level - options.finestLevel);
}

/**
 * Stage 2, the warps of one pyramid level: (`frames` [2, 1, h, w] of that level, `flow`
 * [1, 2, h, w]) → the next flow (the graph's one output). The per-level terms are computed
 * from the frames once a run, shared by the run's warps; they are cheap next to a warp.
 *
 * With `upsample`, `flow` is the level above's flow, resized to the frames first (stage 3's
 * arithmetic): the first warp of a level with no step between the levels, one run and one
 * flow copied out of ONNX Runtime fewer per level. With `warps` > 1 it warps that many
 * times in one run, as the single graph does (the level's terms computed once).
 */
export function buildFlowWarpGraph(options: VariationalFlowOptions, upsample = false, warps = 1): GraphBuilder {
  const g = new GraphBuilder(upsample ? 'variational_flow_upsample_warp' : 'variational_flow_warp');
  const o = new ImageOps(g);
  const frames = g.input('frames', 'float32', [2, 1, 'height', 'width']);
  const given = g.input('flow', 'float32', upsample ? [1, 2, 'flow_height', 'flow_width'] : [1, 2, 'height', 'width']);
  const initial = upsample ? upsampleFlow(o, given, frames) : given;
  // α that changes by level is fed (as 9α, a scalar), so every level still shares one graph.
  const smoothness = options.alphaPerLevel ? g.input(SMOOTHNESS_INPUT, 'float32', []) : undefined;
  const { frame1, frame2 } = splitPair(o, frames);
  const d1 = derive(o, frame1);
  const terms = levelTerms(o, options, d1, smoothness);
  let flow = initial;
  for (let warp = 0; warp < warps; warp += 1) flow = warpOnce(o, options, terms, d1, frame2, flow);
  // The graph's one output, unnamed (see buildFlowPyramidGraph); an Identity only when the
  // warp leaves the input as it is (a graph output cannot be a graph input).
  g.output(flow === given ? g.op1('Identity', [flow]) : flow, 'float32', [1, 2, 'height', 'width']);
  return g;
}

/**
 * Stage 3: (`flow` [1, 2, h, w], `target` [n, 1, H, W]) → [1, 2, H, W] (the one output), the
 * flow resized to the target's size with its vectors rescaled (between levels, and to full
 * resolution when the finest levels are not solved).
 */
export function buildFlowUpsampleGraph(): GraphBuilder {
  const g = new GraphBuilder('variational_flow_upsample');
  const o = new ImageOps(g);
  const flow = g.input('flow', 'float32', [1, 2, 'flow_height', 'flow_width']);
  const target = g.input('target', 'float32', ['batch', 1, 'height', 'width']);
  g.output(upsampleFlow(o, flow, target), 'float32', [1, 2, 'height', 'width']);
  return g;
}

/** `pair`: both frames as a batch of 2 in [0, 1], which travel the pyramid together. */
function pyramidOf(o: ImageOps, pair: string, options: VariationalFlowOptions): string[] {
  const g = o.g;
  const blur = Math.sqrt(1 / options.scale ** 2 - 1) / 2;
  const down = (x: string, sigma: number) => g.op1('Resize', [o.gaussian(x, sigma, 1), '', o.f([1, 1, options.scale, options.scale])], { mode: 'linear' });
  const { texture, finestLevel } = options;
  if (texture && finestLevel > 0) {
    // Unsolved fine levels only carry the frames down: the pre-smoothing joins the first
    // anti-alias blur, and the texture part (linear, so it commutes with blurring and
    // resizing up to the kernels' truncation) is taken at the finest solved level, at its
    // scale — a fraction of the full-resolution filtering's cost.
    const pyramid = [pair, down(pair, Math.hypot(options.presmooth, blur))];
    for (let level = 2; level <= finestLevel; level += 1) pyramid.push(down(pyramid[level - 1] as string, blur));
    pyramid[finestLevel] = o.textureOf(pyramid[finestLevel] as string, texture.sigma * options.scale ** finestLevel, texture.weight);
    for (let level = finestLevel + 1; level < options.levels; level += 1) pyramid.push(down(pyramid[level - 1] as string, blur));
    return pyramid;
  }
  const inputs = texture ? o.textureOf(pair, texture.sigma, texture.weight) : pair;
  const pyramid = [o.gaussian(inputs, options.presmooth, 1)];
  for (let level = 1; level < options.levels; level += 1) pyramid.push(down(pyramid[level - 1] as string, blur));
  return pyramid;
}

function splitPair(o: ImageOps, frames: string): { frame1: string; frame2: string } {
  return {
    frame1: o.g.op1('Slice', [frames, o.i64([0]), o.i64([1]), o.i64([0])]),
    frame2: o.g.op1('Slice', [frames, o.i64([1]), o.i64([2]), o.i64([0])]),
  };
}

/** The derivative stack (I, Ix, Iy, Ixx, Ixy, Iyy) of a one-channel image. */
function derive(o: ImageOps, image: string): string {
  return o.conv(o.padEdge(image, 2), derivativeKernels(), [6, 1, 5, 5]);
}

/** Resizes the flow to `target`'s H×W and rescales the vectors by the size ratio. */
function upsampleFlow(o: ImageOps, flow: string, target: string): string {
  const g = o.g;
  const sizes = g.op1('Concat', [o.i64([1, 2]), g.op1('Shape', [target], { start: 2, end: 4 })], { axis: 0 });
  const resized = g.op1('Resize', [flow, '', '', sizes], { mode: 'linear' });
  const ratio = (axis: number) => o.div(o.dimFloat(target, axis), o.dimFloat(flow, axis));
  const factors = g.op1('Reshape', [g.op1('Concat', [ratio(3), ratio(2)], { axis: 0 }), o.i64([1, 2, 1, 1])]);
  return o.mul(resized, factors);
}

/** The terms every warp of one pyramid level shares, from frame1's derivative stack `d1`. */
interface LevelTerms {
  /** Pixel coordinates (x, y), [1, 2, h, w]. */
  readonly base: string;
  /** Pixel → GridSample's normalised coordinates (align_corners): x' = 2x/(W-1) - 1. */
  readonly toGrid: string;
  /** Per-pixel smoothness weight 9α·g(x): weaker across image edges (motion boundaries). */
  readonly alphaMap: string;
  /** Quadratic smoothness: the box-sum weight of a plane of ones × alphaMap (null when robust). */
  readonly alphaCount: string | null;
}

// 9α × the 3×3 box-sum weight per pixel (9 inside, 6 on edges, 4 in corners): Neumann boundary.
function pool(o: ImageOps, x: string): string {
  return o.g.op1('AveragePool', [x], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 });
}

/** `smoothness`: 9α of this level (a constant, or the warp graph's input); absent = 9 × options.alpha. */
function levelTerms(o: ImageOps, options: VariationalFlowOptions, d1: string, smoothness?: string): LevelTerms {
  const g = o.g;
  const base = o.coordinates(d1);
  const step = (axis: number) => o.div(o.f(2), o.sub(o.dimFloat(d1, axis), o.f(1)));
  const toGrid = g.op1('Reshape', [g.op1('Concat', [step(3), step(2)], { axis: 0 }), o.i64([1, 2, 1, 1])]);
  let alphaMap = smoothness ?? o.f(9 * options.alpha);
  if (options.edgeKappa) {
    const grad = o.channels(d1, 1, 3);
    const norm = g.op1('Sqrt', [o.conv(o.mul(grad, grad), [1, 1], [1, 2, 1, 1])]);
    alphaMap = o.mul(g.op1('Exp', [o.mul(norm, o.f(-options.edgeKappa))]), alphaMap);
  }
  // Robust smoothness pools its own weights on every round.
  const alphaCount = options.smoothEpsilon ? null : o.mul(pool(o, o.add(o.mul(o.channels(d1, 0, 1), o.f(0)), o.f(1))), alphaMap);
  return { base, toGrid, alphaMap, alphaCount };
}

/**
 * One warp of one pyramid level: `d1` is frame1's derivative stack; frame2 is warped by
 * `initial` (one channel, cheaper than warping its six-channel stack) and then differentiated.
 */
function warpOnce(o: ImageOps, options: VariationalFlowOptions, terms: LevelTerms, d1: string, frame2: string, initial: string): string {
  const g = o.g;
  const { base, toGrid, alphaMap, alphaCount } = terms;
  let flow = initial;
  const grid = o.sub(o.mul(o.add(base, flow), toGrid), o.f(1));
  const inside = g.op1('Cast', [g.op1('LessOrEqual', [g.op1('ReduceMax', [g.op1('Abs', [grid])], { axes: [1], keepdims: 1 }), o.f(1)])], { to: 1 });
  const warped = derive(o, g.op1('GridSample', [frame2, g.op1('Transpose', [grid], { perm: [0, 2, 3, 1] })], {
    align_corners: 1,
    mode: options.interpolation,
    padding_mode: 'border',
  }));
  const mean = o.mul(o.add(warped, d1), o.f(0.5));
  const diff = o.sub(warped, d1);
  const [ix, iy, ixx, ixy, iyy] = [1, 2, 3, 4, 5].map((c) => o.channels(mean, c, c + 1)) as [string, string, string, string, string];
  const it = o.channels(diff, 0, 1);
  const ixt = o.channels(diff, 1, 2);
  const iyt = o.channels(diff, 2, 3);
  // Motion-tensor entries [J11, J12, J22, J13, J23] for brightness and gradient constancy
  // (the gradient one split in its x and y parts so each can be normalised on its own). Each
  // entry is a plane of its own from here to the sweeps, and u and v stay apart through them:
  // a stacked tensor would be copied into channels and back (Concat, Slice) on every use,
  // while plane by plane the arithmetic per pixel is the same.
  type Entries = [string, string, string, string, string];
  const entriesOf = (x: string, y: string, t: string): Entries => [o.mul(x, x), o.mul(x, y), o.mul(y, y), o.mul(x, t), o.mul(y, t)];
  const each = (a: Entries, fn: (entry: string, k: number) => string) => a.map(fn) as Entries;
  const theta = (x: string, y: string) => g.op1('Reciprocal', [o.add(o.add(o.mul(x, x), o.mul(y, y)), o.f((options.zeta ?? 0) ** 2))]);
  const thetaB = options.zeta ? theta(ix, iy) : null;
  const thetaGx = options.zeta ? theta(ixx, ixy) : null;
  const thetaGy = options.zeta ? theta(ixy, iyy) : null;
  const brightnessRaw = entriesOf(ix, iy, it);
  const brightness = thetaB ? each(brightnessRaw, (e) => o.mul(e, thetaB)) : brightnessRaw;
  const gradientX = entriesOf(ixx, ixy, ixt);
  const gradientY = entriesOf(ixy, iyy, iyt);
  const gradient = thetaGx && thetaGy
    ? each(gradientX, (e, k) => o.add(o.mul(e, thetaGx), o.mul(gradientY[k] as string, thetaGy)))
    : each(gradientX, (e, k) => o.add(e, gradientY[k] as string));
  const [u0, v0] = [o.channels(flow, 0, 1), o.channels(flow, 1, 2)];
  let [u, v] = [u0, v0];
  for (let round = 0; round < options.rounds; round += 1) {
    // Lagged Charbonnier weights ψ'(r²) = 1 / sqrt(r² + ε²), zero where the warp left the image.
    let rB = it;
    let rGx = ixt;
    let rGy = iyt;
    if (round > 0) {
      const [du, dv] = [o.sub(u, u0), o.sub(v, v0)];
      rB = o.add(it, o.add(o.mul(ix, du), o.mul(iy, dv)));
      rGx = o.add(ixt, o.add(o.mul(ixx, du), o.mul(ixy, dv)));
      rGy = o.add(iyt, o.add(o.mul(ixy, du), o.mul(iyy, dv)));
    }
    const eps2 = o.f(options.epsilon ** 2);
    const weighted = (r: string, w: string | null) => (w ? o.mul(o.mul(r, r), w) : o.mul(r, r));
    const psiB = o.div(inside, g.op1('Sqrt', [o.add(weighted(rB, thetaB), eps2)]));
    const psiG = o.div(o.mul(inside, o.f(options.gamma)), g.op1('Sqrt', [o.add(o.add(weighted(rGx, thetaGx), weighted(rGy, thetaGy)), eps2)]));
    const [j11, j12, j22, j13, j23] = each(brightness, (e, k) => o.add(o.mul(e, psiB), o.mul(gradient[k] as string, psiG)));
    // Robust smoothness: per-pixel 9α·g·s from the lagged flow, the diagonal Σ_n α_n s_n.
    const lagged = round === 0 ? flow : g.op1('Concat', [u, v], { axis: 1 });
    const smoothWeight = options.smoothEpsilon ? o.mul(alphaMap, o.flowSmoothness(lagged, options.smoothEpsilon)) : null;
    const diagonalSum = smoothWeight ? pool(o, smoothWeight) : (alphaCount as string);
    const a11 = o.add(j11, diagonalSum);
    const a22 = o.add(j22, diagonalSum);
    const det = o.sub(o.mul(a11, a22), o.mul(j12, j12));
    const inv = g.op1('Reciprocal', [det]);
    const m11 = o.mul(a22, inv);
    const m22 = o.mul(a11, inv);
    const m12 = g.op1('Neg', [o.mul(j12, inv)]);
    // Linearised around the warp's flow (u0, v0), written for the total flow.
    const b1 = o.sub(o.add(o.mul(j11, u0), o.mul(j12, v0)), j13);
    const b2 = o.sub(o.add(o.mul(j12, u0), o.mul(j22, v0)), j23);
    const pu = o.add(o.mul(m11, b1), o.mul(m12, b2));
    const pv = o.add(o.mul(m12, b1), o.mul(m22, b2));
    // Robust smoothness iterates on x = 9α·g·s·w, so the neighbour-weighted sum
    // α Σ_n g_n s_n w_n is 9·box3×3(x) with no extra product per sweep (w = x / (9α·g·s)
    // afterwards); quadratic smoothness iterates on w itself with 9α·g·box3×3(w).
    const weight = smoothWeight ?? alphaMap;
    const [diagonalU, diagonalV, offDiagonal] = [o.mul(m11, weight), o.mul(m22, weight), o.mul(m12, weight)];
    const [offsetU, offsetV] = smoothWeight ? [o.mul(pu, smoothWeight), o.mul(pv, smoothWeight)] : [pu, pv];
    let [xu, xv] = smoothWeight ? [o.mul(u, smoothWeight), o.mul(v, smoothWeight)] : [u, v];
    let [previousU, previousV] = [xu, xv];
    let omega = 1;
    for (let i = 0; i < options.iterations; i += 1) {
      // Damped Jacobi on the 8-neighbour Laplacian: the box sum (centre included, hence
      // "damped") is one fast AveragePool; M = A⁻¹ couples u and v.
      const [boxU, boxV] = [pool(o, xu), pool(o, xv)];
      const jacobiU = o.add(o.add(o.mul(boxU, diagonalU), o.mul(boxV, offDiagonal)), offsetU);
      const jacobiV = o.add(o.add(o.mul(boxV, diagonalV), o.mul(boxU, offDiagonal)), offsetV);
      if (!options.chebyshev || i === 0) {
        [previousU, previousV, xu, xv] = [xu, xv, jacobiU, jacobiV];
        continue;
      }
      const rho2 = options.chebyshev ** 2;
      omega = i === 1 ? 1 / (1 - rho2 / 2) : 1 / (1 - (rho2 * omega) / 4);
      const w = o.f(omega);
      [previousU, previousV, xu, xv] = [xu, xv, o.add(o.mul(o.sub(jacobiU, previousU), w), previousU), o.add(o.mul(o.sub(jacobiV, previousV), w), previousV)];
    }
    [u, v] = smoothWeight ? [o.div(xu, smoothWeight), o.div(xv, smoothWeight)] : [xu, xv];
  }
  flow = options.rounds > 0 ? g.op1('Concat', [u, v], { axis: 1 }) : flow;
  if (options.median) flow = options.exactMedian ? o.median(flow, options.median) : o.separableMedian(flow, options.median);
  return flow;
}
