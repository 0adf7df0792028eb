/** Seeded randomness for reproducible synthetic data: mulberry32 uniforms and Box–Muller normals. */
import { mulberry32 } from '../../util/random';

/** Uniform numbers in (0, 1): never exactly 0, so Box–Muller's log stays finite. */
export function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => (next() + 1) / 4294967297;
}

export function gaussian(seed: number): () => number {
  const u = uniform(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // Box–Muller gives two independent normals per pair of uniforms: keep the second.
    const r = Math.sqrt(-2 * Math.log(u()));
    const a = 2 * Math.PI * u();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}
