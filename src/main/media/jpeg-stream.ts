/**
 * Finds frame boundaries in a stream of concatenated JPEG images (ffmpeg's mjpeg
 * `image2pipe` output) by walking JPEG markers: segment lengths are skipped, entropy-coded
 * data is scanned for 0xFF bytes that are neither stuffing (FF 00), restart markers
 * (FF D0-D7) nor fill (FF FF). Searching for "FF D9" alone would also work for ffmpeg's
 * output, but walking the markers stays right for any JPEG (e.g. with thumbnails).
 * Chunks may split anywhere; memory stays constant.
 */
export class JpegStreamSplitter {
  /** Byte offset where each complete image ends (exclusive), in stream order. */
  readonly ends: number[] = [];
  #position = 0;
  #state: 'soi0' | 'soi1' | 'marker' | 'code' | 'len0' | 'len1' | 'skip' | 'entropy' | 'entropyFF' = 'soi0';
  #high = 0;
  #skip = 0;
  #scanAfterSegment = false;

  /** Feeds the next chunk; throws on bytes that are not a JPEG stream. */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.#state) {
        case 'skip': {
          const take = Math.min(this.#skip, n - i);
          this.#skip -= take;
          i += take;
          if (this.#skip === 0) this.#state = this.#scanAfterSegment ? 'entropy' : 'marker';
          break;
        }
        case 'entropy': {
          const ff = chunk.indexOf(0xff, i);
          if (ff < 0) {
            i = n;
          } else {
            i = ff + 1;
            this.#state = 'entropyFF';
          }
          break;
        }
        default:
          this.#byte(chunk[i] as number, this.#position + i + 1);
          i += 1;
      }
    }
    this.#position += n;
  }

  /** True when the stream ended on an image boundary (no partial image pending). */
  get atBoundary(): boolean {
    return this.#state === 'soi0';
  }

  #byte(b: number, after: number): void {
    switch (this.#state) {
      case 'soi0':
        if (b !== 0xff) throw new Error(`not a JPEG stream at byte ${after - 1}`);
        this.#state = 'soi1';
        return;
      case 'soi1':
        if (b !== 0xd8) throw new Error(`not a JPEG stream at byte ${after - 1}`);
        this.#state = 'marker';
        return;
      case 'marker':
        if (b !== 0xff) throw new Error(`JPEG marker expected at byte ${after - 1}`);
        this.#state = 'code';
        return;
      case 'code':
        this.#code(b, after);
        return;
      case 'entropyFF':
        if (b === 0x00 || (b >= 0xd0 && b <= 0xd7)) this.#state = 'entropy';
        else if (b !== 0xff) this.#code(b, after);
        return;
      case 'len0':
        this.#high = b;
        this.#state = 'len1';
        return;
      case 'len1': {
        const length = (this.#high << 8) | b;
        if (length < 2) throw new Error(`bad JPEG segment length at byte ${after - 1}`);
        this.#skip = length - 2;
        this.#state = this.#skip === 0 ? (this.#scanAfterSegment ? 'entropy' : 'marker') : 'skip';
        return;
      }
      default:
        throw new Error(`unexpected state ${this.#state}`);
    }
  }

  /** A marker code after 0xFF: end of image, a standalone marker, or a segment with a length. */
  #code(b: number, after: number): void {
    if (b === 0xff) {
      this.#state = 'code'; // fill byte
    } else if (b === 0xd9) {
      this.ends.push(after);
      this.#state = 'soi0';
    } else if (b === 0x01 || (b >= 0xd0 && b <= 0xd7)) {
      this.#state = 'marker';
    } else {
      // SOS is followed by entropy-coded data; every other segment by the next marker.
      this.#scanAfterSegment = b === 0xda;
      this.#state = 'len0';
    }
  }
}
