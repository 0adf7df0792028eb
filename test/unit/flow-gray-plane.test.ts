import { describe, expect, it } from 'vitest';
import { grayPlane } from '../../src/main/inference/flow/model';
import { toGray, type Image8 } from '../../src/main/media/image';

/** The flow's input plane: the same values as the 8-bit gray image, without building it. */
describe('grayPlane', () => {
  const width = 37;
  const height = 23;
  // Every byte value in each channel, including the ties toGray rounds.
  const rgb: Image8 = { width, height, channels: 3, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 97 + (i >> 3)) % 256) };

  it('equals toGray of a colour frame, as float32', () => {
    const plane = grayPlane(rgb);
    expect(plane).toBeInstanceOf(Float32Array);
    expect(Array.from(plane)).toEqual(Array.from(toGray(rgb).data));
  });

  it('takes a gray frame as it is', () => {
    const gray: Image8 = { width, height, channels: 1, data: toGray(rgb).data };
    expect(Array.from(grayPlane(gray))).toEqual(Array.from(gray.data));
  });

  it('refuses a frame whose bytes do not cover its size', () => {
    expect(() => grayPlane({ width, height, channels: 3, data: new Uint8Array(width * height * 3 - 1) })).toThrow(/needs 2553 bytes/);
  });
});
