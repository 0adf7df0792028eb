import { formatFacsCode } from './format';
import type { FacsCode, FacsPosition, FacsSide } from './notation';
import type { Scanner } from './scanner';

const SIDE_PHRASES: Record<FacsSide | 'both', string> = { both: 'both sides', L: 'the left side only', R: 'the right side only', U: 'one side' };
const POSITION_PHRASES: Record<FacsPosition | 'both', string> = { both: 'top and bottom', T: 'the top only', B: 'the bottom only' };
const opposite = <T>(a: T | null | undefined, b: T | null | undefined, x: T, y: T) => (a === x && b === y) || (a === y && b === x);

/**
 * One conjunction lists what a face does at once, so a code appears in it once, except
 * for its two halves: L and R (an asymmetric action) or T and B. A second code for the
 * same AU otherwise contradicts or repeats the first: `12+L12` (both sides and the left
 * only), `12E+12A` (two intensities), `AU12+AU12`. References and AD codes are checked
 * among their own kind. Kept per code, so the check stays linear in the codes.
 */
export class ConjunctionCodes {
  readonly #byKey = new Map<string, Array<{ code: FacsCode; at: number }>>();

  add(s: Scanner, code: FacsCode, at: number): void {
    const key = `${code.reference ? 'ref' : ''}${code.kind}${code.au}`;
    const earlier = this.#byKey.get(key) ?? [];
    for (const { code: other, at: otherAt } of earlier) {
      if (opposite(other.side, code.side, 'L', 'R') || opposite(other.position, code.position, 'T', 'B')) continue;
      const name = `${code.reference ? 'referenced ' : ''}${code.kind}${code.au}`;
      if (other.side !== code.side) {
        s.fail(`${name} is coded for ${SIDE_PHRASES[other.side ?? 'both']} (${formatFacsCode(other)}) and for ${SIDE_PHRASES[code.side ?? 'both']} (${formatFacsCode(code)}) at position ${at}: code it once, or as L and R for an asymmetric action`, at);
      }
      if (other.position !== code.position) {
        s.fail(`${name} is coded for ${POSITION_PHRASES[other.position ?? 'both']} (${formatFacsCode(other)}) and for ${POSITION_PHRASES[code.position ?? 'both']} (${formatFacsCode(code)}) at position ${at}: code it once, or as T and B`, at);
      }
      if (other.intensity && code.intensity && other.intensity !== code.intensity) {
        s.fail(`${name} is coded with two intensities (${other.intensity} and ${code.intensity}) at position ${at}: keep one`, at);
      }
      s.fail(`${name} is coded twice (at positions ${otherAt} and ${at}): keep one`, at);
    }
    earlier.push({ code, at });
    this.#byKey.set(key, earlier);
  }
}
