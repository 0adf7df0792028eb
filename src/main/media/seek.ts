import type { VideoTiming } from './probe-video';

/**
 * Where to seek (seconds from the container start) so that the first frame decoded is
 * exactly frame `index`: half-way between frame index-1 and frame index, so rounding
 * either way lands on it.
 */
export function seekTimeOf(timing: VideoTiming, fps: number, index: number): number {
  if (index === 0) return 0;
  const { startSec, firstFrameSec, frameTimes } = timing;
  if (frameTimes && frameTimes.length >= index + 1) {
    return ((frameTimes[index - 1] as number) + (frameTimes[index] as number)) / 2 - startSec;
  }
  return firstFrameSec - startSec + (index - 0.5) / fps;
}
