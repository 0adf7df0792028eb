import { describe, expect, it } from 'vitest';
import { apexOfMotions, MIN_RISE_FRAMES } from '../../src/main/analysis/pipeline/motion';

/**
 * The face's motion from a spotted onset at frame 5, frames 6…25, as the analysis crop's flow
 * read it on a generated clip: a lip press (true 24D at 10/13/17) under head tremor, whose
 * jitter moved the face as far at frame 6 as the press did at its apex.
 */
const TREMOR_LIP_PRESS = [0.19, 0.15, 0.028, 0.066, 0.122, 0.085, 0.133, 0.21, 0.219, 0.143, 0.088, 0.126, 0.123, 0.048, 0.078, 0.077, 0.184, 0.063, 0.081, 0.086];

describe('apex from the onset', () => {
  it('does not take the jitter of the first frame after the onset for the apex', () => {
    expect(apexOfMotions(TREMOR_LIP_PRESS, 5, 1)).toBe(6);
    expect(apexOfMotions(TREMOR_LIP_PRESS, 5, MIN_RISE_FRAMES)).toBe(14);
  });

  it('still reads an apex one frame after the onset when the motion rises beyond it', () => {
    const rise = [0.05, 0.3, 0.6, 0.4, 0.1, 0.02];
    expect(apexOfMotions(rise, 10, MIN_RISE_FRAMES)).toBe(13);
    // A rise that peaks on the first frame and falls: the next frame is the nearest apex allowed.
    expect(apexOfMotions([0.6, 0.4, 0.1, 0.05, 0.02], 10, MIN_RISE_FRAMES)).toBe(12);
  });

  it('keeps the first frame when the search holds nothing else', () => {
    expect(apexOfMotions([0.3], 7, MIN_RISE_FRAMES)).toBe(8);
    expect(apexOfMotions([], 7, MIN_RISE_FRAMES)).toBe(8);
  });

  it('takes out the residual ramp to the last frame', () => {
    // Head-motion residual grows steadily; the bump at the third frame is the expression.
    expect(apexOfMotions([0.1, 0.2, 0.5, 0.35, 0.45, 0.55, 0.6], 0, MIN_RISE_FRAMES)).toBe(3);
  });
});
