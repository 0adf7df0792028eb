/**
 * Rigid head motion as a similarity transform about the face centre:
 * q = c + s·R(θ)·(p − c) + t. A clip drifts from the identity at frame 0 to the given
 * pose at the last frame along a smoothstep (slow, like a seated subject settling).
 */

export interface HeadMotion {
  /** Translation in pixels reached at the last frame. */
  readonly translate?: readonly [number, number];
  /** In-plane rotation in degrees (image y down: positive turns clockwise on screen). */
  readonly rotateDeg?: number;
  /** Scale factor reached at the last frame (1 = none). */
  readonly scale?: number;
}

export interface HeadPose {
  readonly center: readonly [number, number];
  readonly translate: readonly [number, number];
  readonly angle: number;
  readonly scale: number;
  /** cos and sin of the angle, computed once per frame rather than per pixel. */
  readonly cos: number;
  readonly sin: number;
}

const smoothstep = (x: number): number => x * x * (3 - 2 * x);

export function headPoseAt(motion: HeadMotion | undefined, center: readonly [number, number], t: number, frames: number): HeadPose {
  const f = frames > 1 ? smoothstep(Math.min(1, Math.max(0, t / (frames - 1)))) : 0;
  const [tx, ty] = motion?.translate ?? [0, 0];
  const angle = (((motion?.rotateDeg ?? 0) * Math.PI) / 180) * f;
  return { center, translate: [tx * f, ty * f], angle, scale: 1 + ((motion?.scale ?? 1) - 1) * f, cos: Math.cos(angle), sin: Math.sin(angle) };
}

export function applyPose(pose: HeadPose, x: number, y: number): [number, number] {
  const { cos: c, sin: s } = pose;
  const dx = x - pose.center[0];
  const dy = y - pose.center[1];
  return [
    pose.center[0] + pose.scale * (c * dx - s * dy) + pose.translate[0],
    pose.center[1] + pose.scale * (s * dx + c * dy) + pose.translate[1],
  ];
}

export function invertPose(pose: HeadPose, x: number, y: number): [number, number] {
  const { cos: c, sin: s } = pose;
  const dx = (x - pose.center[0] - pose.translate[0]) / pose.scale;
  const dy = (y - pose.center[1] - pose.translate[1]) / pose.scale;
  return [pose.center[0] + c * dx + s * dy, pose.center[1] - s * dx + c * dy];
}

/** Raised-cosine expression profile: 0 before onset, rising to 1 at apex, back to 0 at offset (C¹-smooth). */
export function expressionProfile(t: number, onset: number, apex: number, offset: number): number {
  if (t <= onset || t >= offset) return 0;
  const x = t <= apex ? (t - onset) / (apex - onset) : (offset - t) / (offset - apex);
  return 0.5 * (1 - Math.cos(Math.PI * x));
}
