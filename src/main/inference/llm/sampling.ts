/**
 * Next-token choice from one row of logits: greedy argmax (MELLM's default) or
 * temperature / top-k / top-p sampling driven by a seeded PRNG, so a seed reproduces a run.
 */
export interface SamplingOptions {
  readonly temperature: number;
  /** 0 disables top-k. */
  readonly topK: number;
  /** 1 disables top-p (nucleus). */
  readonly topP: number;
  readonly seed: number;
}

export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  return best;
}

// exp(-30) ≈ 1e-13 of the best token's weight: such tokens cannot change a sample in practice.
const NEGLIGIBLE_LOGIT_GAP = 30;

/** Samples one token; `random` returns uniform [0, 1). */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, random: () => number): number {
  if (options.temperature <= 0) return argmax(logits);
  const max = logits[argmax(logits)] as number;
  // Candidates are gathered first so sorting touches tens of tokens, not the vocabulary.
  const floor = max - NEGLIGIBLE_LOGIT_GAP * options.temperature;
  let candidates: number[] = [];
  for (let i = 0; i < logits.length; i++) if ((logits[i] as number) >= floor) candidates.push(i);
  candidates.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
  if (options.topK > 0) candidates = candidates.slice(0, options.topK);
  const weights = candidates.map((i) => Math.exp(((logits[i] as number) - max) / options.temperature));
  let total = weights.reduce((a, b) => a + b, 0);
  if (options.topP < 1) {
    let cumulative = 0;
    let keep = 0;
    while (keep < weights.length && cumulative < options.topP * total) cumulative += weights[keep++] as number;
    candidates = candidates.slice(0, Math.max(1, keep));
    weights.length = candidates.length;
    total = weights.reduce((a, b) => a + b, 0);
  }
  let r = random() * total;
  for (let k = 0; k < candidates.length; k++) {
    r -= weights[k] as number;
    if (r < 0) return candidates[k] as number;
  }
  return candidates[candidates.length - 1] as number;
}
