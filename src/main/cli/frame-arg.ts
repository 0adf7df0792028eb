import type { Image8 } from '../media/image';
import { loadImageFile } from '../media/image';

/**
 * How a CLI frame argument becomes an image. Resolvers are tried in order; the last one
 * (a still image file) always matches. The media layer adds `clip.mp4@N` (0-based frame
 * N of a video) as one more line here.
 */
interface FrameResolver {
  readonly matches: (arg: string) => boolean;
  readonly read: (arg: string) => Promise<Image8>;
}

const FRAME_RESOLVERS: readonly FrameResolver[] = [
  { matches: () => true, read: (arg) => loadImageFile(arg) },
];

export function readFrameArgument(arg: string): Promise<Image8> {
  const resolver = FRAME_RESOLVERS.find((r) => r.matches(arg)) as FrameResolver;
  return resolver.read(arg);
}
