import { formatFacsCode } from './format';
import type { FacsPhrase, FacsPhraseKey } from './messages';
import type { FacsCode, FacsPosition, FacsSide } from './notation';
import type { Scanner } from './scanner';

const SIDE_PHRASES: Record<FacsSide | 'both', FacsPhraseKey> = { both: 'bothSides', L: 'leftOnly', R: 'rightOnly', U: 'oneSide' };
const POSITION_PHRASES: Record<FacsPosition | 'both', FacsPhraseKey> = { both: 'topAndBottom', T: 'topOnly', B: 'bottomOnly' };
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
      const name: FacsPhrase = { key: code.reference ? 'referencedCode' : 'code', params: { code: `${code.kind}${code.au}` } };
      const pair = { name, first: formatFacsCode(other), second: formatFacsCode(code) };
      if (other.side !== code.side) {
        s.fail('sidesDisagree', { ...pair, firstSide: { key: SIDE_PHRASES[other.side ?? 'both'] }, secondSide: { key: SIDE_PHRASES[code.side ?? 'both'] } }, at);
      }
      if (other.position !== code.position) {
        s.fail('positionsDisagree', { ...pair, firstPosition: { key: POSITION_PHRASES[other.position ?? 'both'] }, secondPosition: { key: POSITION_PHRASES[code.position ?? 'both'] } }, at);
      }
      if (other.intensity && code.intensity && other.intensity !== code.intensity) {
        s.fail('twoIntensities', { name, first: other.intensity, second: code.intensity }, at);
      }
      s.fail('codedTwice', { name, first: otherAt + 1 }, at);
    }
    earlier.push({ code, at });
    this.#byKey.set(key, earlier);
  }
}
