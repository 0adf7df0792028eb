/**
 * J/K/L shuttle playback as in video editors: L plays forward (again: faster), J plays
 * backward (again: faster), K stops. Speeds span 0.05×–2× of the clip's frame rate,
 * because micro-expressions last 1/25–1/2 s and are watched slowed down.
 */
export const PLAYBACK_SPEEDS = [0.05, 0.1, 0.25, 0.5, 1, 2] as const;
export const DEFAULT_SPEED_INDEX = 3;

export interface Playback {
  /** +1 forward, -1 backward, 0 stopped. */
  readonly direction: -1 | 0 | 1;
  readonly speedIndex: number;
  /** Loop between onset and offset instead of stopping at the ends. */
  readonly loop: boolean;
}

export const STOPPED: Playback = { direction: 0, speedIndex: DEFAULT_SPEED_INDEX, loop: false };

export function shuttle(state: Playback, key: 'J' | 'K' | 'L'): Playback {
  if (key === 'K') return { ...state, direction: 0 };
  const direction = key === 'L' ? 1 : -1;
  if (state.direction === direction) {
    return { ...state, speedIndex: Math.min(state.speedIndex + 1, PLAYBACK_SPEEDS.length - 1) };
  }
  return { ...state, direction, speedIndex: state.direction === 0 ? state.speedIndex : DEFAULT_SPEED_INDEX };
}

export function changeSpeed(state: Playback, delta: number): Playback {
  return { ...state, speedIndex: Math.min(Math.max(state.speedIndex + delta, 0), PLAYBACK_SPEEDS.length - 1) };
}

export function speedOf(state: Playback): number {
  return PLAYBACK_SPEEDS[state.speedIndex] ?? 1;
}

/**
 * The frame to show next while playing, or null to stop. `range` is the loop interval
 * (onset..offset) when looping, else the whole clip.
 */
export function nextPlaybackFrame(current: number, state: Playback, range: { first: number; last: number }): number | null {
  if (state.direction === 0) return null;
  const next = current + state.direction;
  if (next >= range.first && next <= range.last) return next;
  if (!state.loop) return null;
  return state.direction > 0 ? range.first : range.last;
}
