import { malformed, unsupported } from './iso-bmff';

/** What an H.264 sequence parameter set says about the pictures (ITU-T H.264 §7.3.2.1.1). */
export interface H264Picture {
  /** Decoded size after the cropping window. */
  readonly width: number;
  readonly height: number;
  /** 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
  readonly chroma: number;
  readonly bitDepth: number;
  readonly fullRange: boolean;
  /** matrix_coefficients from the VUI (2 = unspecified when absent). */
  readonly matrix: number;
}

/** Profiles whose SPS carries chroma format and bit depth. */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

class Bits {
  #bit = 0;
  constructor(readonly bytes: Uint8Array) {}

  u(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i += 1) {
      const byte = this.bytes[this.#bit >> 3];
      if (byte === undefined) throw malformed('the H.264 parameter set ends early');
      value = value * 2 + ((byte >> (7 - (this.#bit & 7))) & 1);
      this.#bit += 1;
    }
    return value;
  }

  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      zeros += 1;
      if (zeros > 31) throw malformed('an H.264 Exp-Golomb code is longer than 32 bits');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const code = this.ue();
    return code % 2 === 1 ? (code + 1) / 2 : -code / 2;
  }
}

/** The NAL unit's payload without emulation-prevention bytes (00 00 03 → 00 00). */
function unescape(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out.push(byte);
  }
  return Uint8Array.from(out);
}

function skipScalingList(bits: Bits, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j += 1) {
    if (next !== 0) next = (last + bits.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Parses an SPS NAL unit (with its one-byte header). */
export function parseH264Sps(nal: Uint8Array): H264Picture {
  if (nal.length < 4 || ((nal[0] as number) & 0x1f) !== 7) throw malformed('not an H.264 sequence parameter set');
  const bits = new Bits(unescape(nal.subarray(1)));
  const profile = bits.u(8);
  bits.u(16); // constraint flags, level
  bits.ue(); // seq_parameter_set_id
  let chroma = 1;
  let separatePlanes = false;
  let bitDepth = 8;
  if (HIGH_PROFILES.has(profile)) {
    chroma = bits.ue();
    if (chroma > 3) throw malformed(`H.264 chroma_format_idc ${chroma}`);
    if (chroma === 3) separatePlanes = bits.u(1) === 1;
    bitDepth = bits.ue() + 8;
    const chromaDepth = bits.ue() + 8;
    if (chromaDepth !== bitDepth) throw unsupported('H.264 luma and chroma bit depths differ');
    bits.u(1); // qpprime_y_zero_transform_bypass_flag
    if (bits.u(1) === 1) {
      for (let i = 0; i < (chroma === 3 ? 12 : 8); i += 1) if (bits.u(1) === 1) skipScalingList(bits, i < 6 ? 16 : 64);
    }
  }
  bits.ue(); // log2_max_frame_num_minus4
  const pocType = bits.ue();
  if (pocType === 0) bits.ue();
  else if (pocType === 1) {
    bits.u(1);
    bits.se();
    bits.se();
    const cycle = bits.ue();
    if (cycle > 255) throw malformed('H.264 num_ref_frames_in_pic_order_cnt_cycle above 255');
    for (let i = 0; i < cycle; i += 1) bits.se();
  } else if (pocType !== 2) throw malformed(`H.264 pic_order_cnt_type ${pocType}`);
  bits.ue(); // max_num_ref_frames
  bits.u(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = bits.ue() + 1;
  const heightUnits = bits.ue() + 1;
  const frameMbsOnly = bits.u(1);
  if (!frameMbsOnly) bits.u(1);
  bits.u(1); // direct_8x8_inference_flag
  const crop = bits.u(1) === 1 ? [bits.ue(), bits.ue(), bits.ue(), bits.ue()] : [0, 0, 0, 0];
  let fullRange = false;
  let matrix = 2;
  if (bits.u(1) === 1) {
    if (bits.u(1) === 1 && bits.u(8) === 255) bits.u(32); // sample aspect ratio
    if (bits.u(1) === 1) bits.u(1); // overscan
    if (bits.u(1) === 1) {
      bits.u(3); // video_format
      fullRange = bits.u(1) === 1;
      if (bits.u(1) === 1) {
        bits.u(16); // colour primaries, transfer characteristics
        matrix = bits.u(8);
      }
    }
  }
  const planar = chroma === 0 || separatePlanes;
  const cropX = planar ? 1 : chroma === 3 ? 1 : 2;
  const cropY = (planar ? 1 : chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
  const [left, right, top, bottom] = crop as [number, number, number, number];
  const width = widthMbs * 16 - cropX * (left + right);
  const height = (2 - frameMbsOnly) * heightUnits * 16 - cropY * (top + bottom);
  if (!(width > 0 && height > 0)) throw malformed('the H.264 cropping window is empty');
  return { width, height, chroma: separatePlanes ? 3 : chroma, bitDepth, fullRange, matrix };
}

/**
 * The pixel format ffmpeg's H.264 decoder reports for these pictures, for the 8-bit
 * colour layouts it names plainly. Others are left to ffprobe: high bit depths, RGB
 * matrices, and monochrome, which ffmpeg 5.1 reports as 4:2:0 and other builds may not.
 */
export function h264PixelFormat(picture: H264Picture): string {
  if (picture.bitDepth !== 8) throw unsupported(`H.264 at ${picture.bitDepth} bits`);
  if (picture.matrix === 0) throw unsupported('H.264 coded as RGB');
  const j = picture.fullRange ? 'j' : '';
  if (picture.chroma === 0) throw unsupported('monochrome H.264');
  return `yuv${j}${['', '420', '422', '444'][picture.chroma]}p`;
}
