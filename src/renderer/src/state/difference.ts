/** The stage's difference layer: how far each pixel moved away from the onset frame. */

/** |frame − onset| as a grayscale image, amplified so sub-pixel motion is visible. */
export function differenceRgba(current: Uint8ClampedArray, onset: Uint8ClampedArray, gain = 4): Uint8ClampedArray {
  const out = new Uint8ClampedArray(current.length);
  for (let i = 0; i < current.length; i += 4) {
    const d = (Math.abs(current[i]! - onset[i]!) + Math.abs(current[i + 1]! - onset[i + 1]!) + Math.abs(current[i + 2]! - onset[i + 2]!)) / 3;
    const value = Math.min(255, d * gain);
    out[i] = value;
    out[i + 1] = value;
    out[i + 2] = value;
    out[i + 3] = 255;
  }
  return out;
}
