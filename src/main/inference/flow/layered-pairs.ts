import { AppError } from '@shared/errors';
import { seededRandom } from '../../util/random';
import { bilinearAt } from './sample';
import { createFlowField, type FlowField } from './types';

/**
 * Hard flow pairs with exact truth, for judging flow presets beyond smooth sub-pixel
 * motion: layered scenes (a background and occluding foreground layers, each a real
 * photo moving by its own forward map) rendered into two frames.
 *
 * Every layer moves by F(x) = A·(x − c) + c + t + s(x): an affine map about the frame
 * centre plus a smooth sinusoidal deformation s whose gradient is kept small, so F is
 * invertible and frame 2 can be rendered backwards (p → F⁻¹(p), solved by fixed-point
 * iteration to 1e-6 px). The truth at a frame-1 pixel is F(x) − x of the layer visible
 * there; it is occluded when F(x) leaves the frame or lands under a higher layer in
 * frame 2. Frame 2 also gets a brightness gain, offset and horizontal ramp, and Gaussian
 * noise. Layer edges are hard (no anti-aliasing), so each pixel belongs to one layer.
 */
export interface Texture {
  /** Gray intensities 0–255, row-major, larger than the frame by `margin` on every side. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

export interface LayerMotion {
  /** Linear part [a, b; c, d] (x' = a·x + b·y about the frame centre). */
  readonly linear: readonly [number, number, number, number];
  readonly translation: readonly [number, number];
  /** Smooth deformation amplitude (px) and wavelength (px); amplitude 0 = affine only. */
  readonly wave: { readonly amplitude: number; readonly wavelength: number; readonly phase: number };
}

export interface ForegroundLayer {
  /** An ellipse in frame-1 pixels: centre, radii and rotation (radians). */
  readonly shape: { readonly cx: number; readonly cy: number; readonly rx: number; readonly ry: number; readonly angle: number };
  readonly texture: number;
  readonly motion: LayerMotion;
}

export interface LayeredScene {
  readonly width: number;
  readonly height: number;
  /** Frame pixel (0, 0) sits at texture pixel (margin, margin). */
  readonly margin: number;
  readonly background: { readonly texture: number; readonly motion: LayerMotion };
  /** Bottom to top. */
  readonly foreground: readonly ForegroundLayer[];
  readonly photometric: { readonly gain: number; readonly offset: number; readonly ramp: number; readonly noise: number; readonly seed: number };
}

export interface LayeredPair {
  readonly frame1: Uint8Array;
  readonly frame2: Uint8Array;
  readonly truth: FlowField;
  /** 1 where the frame-1 pixel is not visible in frame 2 (covered or outside the frame). */
  readonly occluded: Uint8Array;
  /** Layer index visible at each frame-1 pixel (0 = background). */
  readonly layer1: Uint8Array;
  /** Layer index visible at each frame-2 pixel. */
  readonly layer2: Uint8Array;
}

const INVERSE_ITERATIONS = 60;
const INVERSE_TOLERANCE = 1e-6;

/** The forward map F of a layer at (x, y), for a frame of the given size. */
export function moveBy(motion: LayerMotion, width: number, height: number, x: number, y: number): [number, number] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const [a, b, c, d] = motion.linear;
  const [sx, sy] = deformation(motion, x, y);
  return [a * (x - cx) + b * (y - cy) + cx + motion.translation[0] + sx, c * (x - cx) + d * (y - cy) + cy + motion.translation[1] + sy];
}

function deformation(motion: LayerMotion, x: number, y: number): [number, number] {
  const { amplitude, wavelength, phase } = motion.wave;
  if (amplitude === 0) return [0, 0];
  const k = (2 * Math.PI) / wavelength;
  return [amplitude * Math.sin(k * y + phase) * Math.cos(0.7 * k * x), amplitude * Math.cos(k * x - phase) * Math.sin(0.6 * k * y)];
}

/** F⁻¹(p): x = A⁻¹(p − c − t − s(x)) + c, iterated (a contraction while |∇s|·|A⁻¹| < 1). */
export function inverseMove(motion: LayerMotion, width: number, height: number, px: number, py: number): [number, number] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const [a, b, c, d] = motion.linear;
  const det = a * d - b * c;
  let x = px;
  let y = py;
  for (let k = 0; k < INVERSE_ITERATIONS; k += 1) {
    const [sx, sy] = deformation(motion, x, y);
    const rx = px - cx - motion.translation[0] - sx;
    const ry = py - cy - motion.translation[1] - sy;
    const nx = (d * rx - b * ry) / det + cx;
    const ny = (-c * rx + a * ry) / det + cy;
    const step = Math.abs(nx - x) + Math.abs(ny - y);
    x = nx;
    y = ny;
    if (step < INVERSE_TOLERANCE) break;
  }
  return [x, y];
}

function insideEllipse(shape: ForegroundLayer['shape'], x: number, y: number): boolean {
  const cos = Math.cos(shape.angle);
  const sin = Math.sin(shape.angle);
  const dx = x - shape.cx;
  const dy = y - shape.cy;
  const u = (cos * dx + sin * dy) / shape.rx;
  const v = (-sin * dx + cos * dy) / shape.ry;
  return u * u + v * v <= 1;
}

/** Renders both frames, the exact forward flow of frame 1 and its occlusion mask. */
export function renderLayeredPair(scene: LayeredScene, textures: readonly Texture[]): LayeredPair {
  const { width, height, margin } = scene;
  const texture = (index: number): Texture => {
    const t = textures[index];
    if (!t || t.width < width + 2 * margin || t.height < height + 2 * margin) {
      throw new AppError('INVALID_INPUT', `Texture ${index} is missing or smaller than the frame plus its ${margin}-pixel margin`);
    }
    return t;
  };
  const layers = [{ texture: texture(scene.background.texture), motion: scene.background.motion, shape: null }, ...scene.foreground.map((f) => ({ texture: texture(f.texture), motion: f.motion, shape: f.shape }))];
  const plane = width * height;
  const frame1 = new Uint8Array(plane);
  const frame2 = new Uint8Array(plane);
  const layer1 = new Uint8Array(plane);
  const layer2 = new Uint8Array(plane);
  const occluded = new Uint8Array(plane);
  const truth = createFlowField(width, height);
  const sampleTexture = (t: Texture, x: number, y: number) => bilinearAt(t.data, 0, t.width, t.height, x + margin, y + margin);
  // The layer seen in frame 2 at p, and the point of that layer's frame-1 surface there.
  const visibleInFrame2 = (px: number, py: number): { layer: number; x: number; y: number } => {
    for (let k = layers.length - 1; k >= 1; k -= 1) {
      const layer = layers[k] as (typeof layers)[number];
      const [x, y] = inverseMove(layer.motion, width, height, px, py);
      if (layer.shape && insideEllipse(layer.shape, x, y)) return { layer: k, x, y };
    }
    const [x, y] = inverseMove(layers[0]!.motion, width, height, px, py);
    return { layer: 0, x, y };
  };

  const random = seededRandom(scene.photometric.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const { gain, offset, ramp, noise } = scene.photometric;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      let top = 0;
      for (let k = layers.length - 1; k >= 1; k -= 1) {
        const shape = layers[k]?.shape;
        if (shape && insideEllipse(shape, x, y)) {
          top = k;
          break;
        }
      }
      const layer = layers[top] as (typeof layers)[number];
      layer1[i] = top;
      frame1[i] = Math.round(sampleTexture(layer.texture, x, y));
      const [fx, fy] = moveBy(layer.motion, width, height, x, y);
      truth.data[i] = fx - x;
      truth.data[plane + i] = fy - y;
      const outside = fx < 0 || fy < 0 || fx > width - 1 || fy > height - 1;
      occluded[i] = outside || visibleInFrame2(fx, fy).layer !== top ? 1 : 0;

      const seen = visibleInFrame2(x, y);
      layer2[i] = seen.layer;
      const value = sampleTexture((layers[seen.layer] as (typeof layers)[number]).texture, seen.x, seen.y);
      const lit = value * (gain + ramp * (x / (width - 1) - 0.5)) + offset + (noise > 0 ? noise * normal() : 0);
      frame2[i] = Math.min(255, Math.max(0, Math.round(lit)));
    }
  }
  return { frame1, frame2, truth, occluded, layer1, layer2 };
}

export type DisplacementBand = 'small' | 'medium' | 'large';

/** Typical displacement per band: background motion and foreground motion relative to it (px). */
const BANDS: Record<DisplacementBand, { background: number; foreground: number; rotation: number; scale: number; wave: number }> = {
  small: { background: 2.5, foreground: 4, rotation: 1.5, scale: 0.02, wave: 0.8 },
  medium: { background: 8, foreground: 12, rotation: 4, scale: 0.05, wave: 2 },
  large: { background: 20, foreground: 35, rotation: 8, scale: 0.1, wave: 4 },
};

/**
 * A random layered scene of one displacement band, fully determined by `seed`:
 * 1–2 elliptic foreground layers over a background, textures drawn from `textureCount`.
 */
export function randomScene(band: DisplacementBand, seed: number, textureCount: number, width = 640, height = 480, margin = 80): LayeredScene {
  if (textureCount < 2) throw new AppError('INVALID_INPUT', 'Layered scenes need at least two textures');
  const random = seededRandom(seed * 7919 + ['small', 'medium', 'large'].indexOf(band) + 1);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const sign = () => (random() < 0.5 ? -1 : 1);
  const limits = BANDS[band];
  const motion = (translationScale: number, base: readonly [number, number]): LayerMotion => {
    const angle = (between(-1, 1) * limits.rotation * Math.PI) / 180;
    const scale = 1 + between(-1, 1) * limits.scale;
    const wavelength = between(180, 400);
    // |∇s| ≤ 2π·amplitude/wavelength stays below ~0.15, so F stays invertible.
    const amplitude = Math.min(between(0, limits.wave), (0.15 * wavelength) / (2 * Math.PI));
    const magnitude = between(0.4, 1) * translationScale;
    const direction = between(0, 2 * Math.PI);
    return {
      linear: [scale * Math.cos(angle), -scale * Math.sin(angle), scale * Math.sin(angle), scale * Math.cos(angle)],
      translation: [base[0] + magnitude * Math.cos(direction), base[1] + magnitude * Math.sin(direction)],
      wave: { amplitude, wavelength, phase: between(0, 2 * Math.PI) },
    };
  };
  const background = { texture: Math.floor(random() * textureCount), motion: motion(limits.background, [0, 0]) };
  const layerCount = random() < 0.5 ? 1 : 2;
  const foreground: ForegroundLayer[] = [];
  for (let k = 0; k < layerCount; k += 1) {
    let texture = Math.floor(random() * textureCount);
    if (texture === background.texture) texture = (texture + 1) % textureCount;
    const base = background.motion.translation;
    foreground.push({
      shape: { cx: between(0.2, 0.8) * width, cy: between(0.2, 0.8) * height, rx: between(50, 150), ry: between(50, 130), angle: between(0, Math.PI) },
      texture,
      motion: motion(limits.foreground, [base[0] * sign() * 0.5, base[1] * sign() * 0.5]),
    });
  }
  const photometric = {
    gain: 1 + between(-0.08, 0.08),
    offset: between(-8, 8),
    ramp: between(-0.08, 0.08),
    noise: between(0.5, 3),
    seed: seed * 104729 + 17,
  };
  return { width, height, margin, background, foreground, photometric };
}
