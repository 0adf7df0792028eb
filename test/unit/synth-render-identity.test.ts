import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { synthesize, type SynthOptions } from '../../src/main/analysis/synth/synthesize';
import { FLICKER, TREMOR } from '../../src/main/analysis/synth/session';
import { canonicalLandmarks, drawFace } from '../helpers/canonical-face';

/**
 * The renderer's frames are pinned bit for bit: a clip with every confounder (two
 * expressions, blinks overlapping them, saccades, speech, tremor on top of a head drift,
 * glasses sliding with reflections, mains flicker with exposure drift, sensor noise from a
 * bank and fresh) hashes to the digests below, recorded from the straightforward per-pixel
 * renderer (one bilinear sample and one fixed-point solve per pixel, glasses and lighting as
 * separate passes). The fast renderer must give exactly those bytes, so the cached bench
 * sessions rendered by either are the same recordings. What it cannot show: identity on
 * frame sizes, photos or confounder timings other than these (the session render itself is
 * checked by sampling its frames; see docs/benchmarks.md).
 */
const [W, H] = [160, 128];
const landmarks = canonicalLandmarks(W, H, 100);
const photo = drawFace(W, H, landmarks);
const FRAMES = 48;

const everything: SynthOptions = {
  photo,
  landmarks,
  aus: [{ au: 12, intensity: 'E' }, { au: 1, intensity: 'D', side: 'L' }],
  fps: 30,
  frames: FRAMES,
  onset: 4,
  apex: 9,
  offset: 15,
  head: { translate: [2.5, -1.5], rotateDeg: 2, scale: 1.02 },
  noise: 0.5,
  noiseBank: 4,
  seed: 2293,
  confounders: {
    expressions: [{ aus: [{ au: 4, intensity: 'D' }, { au: 15, intensity: 'D' }], onset: 20, apex: 28, offset: 44 }],
    blinks: [{ onset: 6, apex: 8, offset: 12, closure: 1 }, { onset: 30, apex: 32, offset: 35, closure: 0.5 }],
    saccades: [{ onset: 2, offset: 4, to: 0.8 }, { onset: 25, offset: 27, to: -0.6 }],
    speech: [{ onset: 10, offset: 40, rate: 5, depth: 0.8 }],
    tremor: TREMOR,
    glasses: { slide: 2 },
    lighting: { ...FLICKER, phase: 1 },
  },
};

/** The same without glasses reflections, with fresh per-frame noise and 60 Hz banding only. */
const variant: SynthOptions = {
  ...everything,
  noiseBank: 0,
  seed: 7,
  confounders: { ...everything.confounders, glasses: { slide: -1.5, reflections: false }, lighting: { mains: 60, banding: 0.1 } },
};

/** The head held still (no drift, no tremor): frames after the first reuse the unmoved warp. */
const still: SynthOptions = { ...everything, head: {}, confounders: { ...everything.confounders, tremor: undefined } };

/** Tremor alone moves the head (a translation every frame, never a turn). */
const tremor: SynthOptions = { ...everything, head: {} };

const digest = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex').slice(0, 16);

function frameDigests(options: SynthOptions): string[] {
  const clip = synthesize(options);
  return Array.from({ length: FRAMES }, (_, t) => digest(clip.render(t).data));
}

const EVERYTHING_FRAMES: readonly string[] = [
  '14c50a8d61781a77', 'ade7b85491c17252', 'c09cdfdb3a0684e1', '826505aca9f7e670', 'b91cd546ccf33620', '7de61d706e642f75',
  'bd531deece64e2ba', '416dfc5d11a2832a', 'e069a3d6945c5b8e', 'e69c92056b021dc1', 'e5c70201a8147a7d', 'a7dfc003816cd6f4',
  'c5a02b4020e45944', '7127cbc6da0fc48a', 'aa612fde4bfdadb5', 'a7db5ed6297e01dd', '225a0a2139824ace', 'c4eeeee06d1843e0',
  'f73d80f2200b12d0', '59b106e466619835', 'ce4fb7d69ed0a68b', 'aa311248755a0d5e', 'b6b9c0950ae39606', '00d4a8a840feca9d',
  '105a36d307f3e57a', 'cc91200e25550bc0', '47c576a374c3189c', '2467b154ea5d5fc3', 'ddc83663d5ae9e34', 'c47ada1b42c3b2fc',
  'ffee3d8463bf967f', 'ca46f2620d7abb64', '144d190ca2724d78', '969ce04df966eb7d', 'e516252ee7c90df9', 'a6f317a092fd83a4',
  'f0be1db5b11640c0', 'e3b65aab0be47678', 'f2eac8b393b2e8fb', 'fc59df95bfbfdfd0', '9902ba78f2df8b62', 'f15e82348df68c9f',
  '11daaa4464b34267', 'cb8bdfde2e21e262', '712fa97adaeb9e01', '477d5a6a42ddba34', 'f12f5b453222ff45', '28cefa918ee7ee1e',
];
const VARIANT_FRAMES: readonly string[] = [
  '5b14d38c02df2763', 'eae3faeec662666c', '35848191be8da687', '4d5f8e1ea207ca32', 'cf92799ad41bc652', '64d09a48470c6950',
  '302afb27df80cecc', '8a75b8b9f8209ff2', '6239821840af278b', 'e5932ca5f5a71a21', '875f22251e01f937', '3dd8ff7e65caca9f',
  'a39e976df3cc14b9', 'acc390971a67d750', 'c71a7e0eb4141a7d', 'edef2f3d1c51754c', '6fe2c5952c4cba2d', '2c3aa03147801da8',
  '0213183f95ca0471', 'bce1e7da7aff9d4d', '5e378fce65be6616', 'e6ce217ece8c433a', 'afdf0bf8ce7eb23c', '33bb4b8180c9c857',
  'dbf70bc6da5d73dd', '619b7c1cb408f9e7', '1a4202629da4e809', 'cd98a483d04e676d', '7a1b0c059cd8d4be', '4f09ca6e0e31b56d',
  '4693fcd1290695b4', '0fbed324e3a5828a', '91f3b5ddd7c2c8c5', '78db0b0e3e0bf366', '9e43ea77552fbd67', '0338b6d9921b5de2',
  '2b95b860260a848a', '3d4f40b7449552e2', '46a765461743f1e4', '32c396ab7ab3b137', '0218abd07c282c40', 'f43447fe4b58ebd4',
  'fbe3c6d32db9ecd4', '1dda99b4432e1f01', '0b18606cb7f3864c', '99b09a39c564fc4a', '7f0fab4122106023', 'bd991c85527b86ff',
];
const STILL_FRAMES: readonly string[] = [
  'affb8fe546bda677', '52fff63d670d15c3', '815285054ad37e7d', 'ad104cd0a2fc934a', '86c4e7dcc204f397', 'ccc08ac1a4c3e537',
  '6e1aba7679d6097f', 'e8c30f0aecbffbe6', 'acef16c61e5aa287', '9600f826957f79a3', '03eb26ed5dd9cfae', 'c202a079ab8b1176',
  'acfda283c07db99d', '11f8b675feff3f01', 'd7fcd8b32eaff093', '92f8e9f701fee0e1', '50651f8961e1a971', '5f916cf4d0f9ff29',
  '053c1e222240f2d9', 'd3fa1286fb91bff1', '5e60f41191c9b022', '6a42a513600813b8', '1fbe3814e18fdad0', '71e72fdc4b94e7f4',
  '54f85538f7afb3a8', 'fbbcbe246547f670', '7311d108f3457b84', '04bf16cae91e1a16', '228eddb4b6358784', 'c12d5bd1df4bacfa',
  '1b516cd1e4d22a64', 'c0c912d4c348928f', '9b11be340a5f3bbb', '46f154ed668ce23e', '280a7538ac8b643c', '20837b2622c9fc72',
  '3cf973c3a26b8469', 'd09ac2f35dd866b9', '7d500e30248cdfb9', '72b91ac842b4d7e7', '84e9075e5934a018', '9c3ef1975fe3f3db',
  'bee00ce85f921083', '3381cbe14c060932', '9f1bb6b65016c4fe', '41810d00e8e16d08', '413e5d423ce27cce', '3543862e5ac9d455',
];
const TREMOR_FRAMES: readonly string[] = [
  '14c50a8d61781a77', '3b030367823f0a78', '6889854cc8cc9dfa', 'e7f9f154754512f7', '24da6298f736b6d3', '60796aae916c17c3',
  '7ffb3cbb75634470', 'db9dcffa9fe3b461', '540e578825e58fb6', '6a364e61e82f67dc', '4eb2c4be5b5e4dc0', 'f24320753bb9b3b5',
  '6eef436f1631ef5a', '4af45d06facbb576', 'efe6cbab979792c7', '797af509edd2df46', '071fa487f10d3703', '9120c0399f1d42f7',
  '3646f179270b7388', '2c8e6de51a6fed09', 'e45843c2e074f6ca', '63074202507effda', 'e256923a362ace37', '50cbd1570d4e79d3',
  '8b06637b9b02817f', '98ade59acc16b38c', 'c3b10016eee82db1', 'e887537bf5915d53', '0b9f2223f1760f5a', '23475e9eb5e982ee',
  'd656e982b3e1ba2e', '4baa9df0d6544f7d', '6b7e3f6707d62251', '78b9e8cd4e962c93', '0acd0b939a723909', '82646e6b4ee97b33',
  '6f50bcb224cae06e', 'd9460e9f2da89249', '9ce401ac9cb3f80d', '3a2bf186056312cc', 'a5103537117f006b', '554a91f089380d61',
  'cc335cdcd6841088', '65d14c2ff6a0bf68', '1790f1301c10158b', '49b8f14aeef50f4e', 'cc2c534d4ab9474f', 'ba42af2462a818a9',
];
const EVERYTHING_TRUTH = 'fe40b89169aa19af';

describe('synthesize render: frames identical to the per-pixel renderer', () => {
  it('every frame of a clip with every confounder, bank noise', () => {
    expect(frameDigests(everything)).toEqual(EVERYTHING_FRAMES);
  });

  it('every frame of the variant: fresh noise, glasses without reflections, banding only', () => {
    expect(frameDigests(variant)).toEqual(VARIANT_FRAMES);
  });

  it('every frame with the head held still (the unmoved part of the frame reused)', () => {
    expect(frameDigests(still)).toEqual(STILL_FRAMES);
  });

  it('every frame with tremor alone moving the head (no turn)', () => {
    expect(frameDigests(tremor)).toEqual(TREMOR_FRAMES);
  });

  it('the truth record is unchanged', () => {
    expect(digest(JSON.stringify(synthesize(everything).truth))).toBe(EVERYTHING_TRUTH);
  });

  it('the pinned frames show the confounders: blinks, speech and the glasses change many pixels', () => {
    const quiet = { ...everything, noise: 0 };
    const clip = synthesize(quiet);
    const bare = synthesize({ ...quiet, confounders: { ...quiet.confounders, glasses: undefined } });
    const changed = (a: Uint8Array, b: Uint8Array): number => a.reduce((n, v, i) => n + (Math.abs(v - (b[i] as number)) > 10 ? 1 : 0), 0);
    // Blink apex with the expression (frame 8) and talking during the macro-expression (frame 28) against frame 0.
    expect(changed(clip.render(8).data, clip.render(0).data)).toBeGreaterThan(300);
    expect(changed(clip.render(28).data, clip.render(0).data)).toBeGreaterThan(300);
    expect(changed(clip.render(0).data, bare.render(0).data)).toBeGreaterThan(300);
  });
});
