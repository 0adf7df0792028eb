/**
 * Python's and NumPy's number printing, for text that must match what a Python program
 * writes byte for byte (the MELLM reference prompt). JavaScript's own printing differs:
 * `String(1)` is "1" where Python writes "1.0", `String(1e-7)` is "1e-7" where Python
 * writes "1e-07", and `toFixed` rounds exact ties away from zero where Python rounds them
 * to even. Fixed and significant-digit formats here are computed on the double's exact
 * decimal value (BigInt), so they round as Python's correctly rounded dtoa does.
 */

/** The double's exact value as N / 10^scale (N ≥ 0, an integer); x must be finite. */
function exactDecimal(x: number): { readonly n: bigint; readonly scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  // mantissa · 2^exponent; a negative power of two is 5^k / 10^k.
  return exponent >= 0 ? { n: mantissa << BigInt(exponent), scale: 0 } : { n: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** round-half-even(value · 10^decimals) as an integer, for value = n / 10^scale (decimals may be negative). */
function roundToDecimals(n: bigint, scale: number, decimals: number): bigint {
  if (decimals >= scale) return n * 10n ** BigInt(decimals - scale);
  const divisor = 10n ** BigInt(scale - decimals);
  const quotient = n / divisor;
  const twice = (n % divisor) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

const isNegative = (x: number): boolean => x < 0 || Object.is(x, -0);

function special(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** Python's exponent suffix: at least two digits, always signed ("e-05", "e+16"). */
const exponentText = (exponent: number): string => `e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;

/**
 * `repr(x)` / `str(x)` / `f'{x}'` of a Python float: the shortest digits that read back
 * as x (the closest of them), positional when the decimal point falls within 16 places
 * of the first digit (and not more than 4 zeros after the point), else an exponent.
 */
export function pyFloatRepr(x: number): string {
  const named = special(x);
  if (named) return named;
  const sign = isNegative(x) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  // Number#toString gives the shortest round-trip digits, the closest when several are as short.
  const [mantissa = '', exponentPart] = String(Math.abs(x)).split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const all = whole + fraction;
  const leadingZeros = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leadingZeros).replace(/0+$/, '');
  // The value is 0.<digits> · 10^point.
  const point = whole.length - leadingZeros + (exponentPart === undefined ? 0 : Number(exponentPart));
  if (point <= -4 || point > 16) {
    const rest = digits.slice(1);
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}${exponentText(point - 1)}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** `format(x, '.{decimals}f')`: exactly `decimals` places, exact ties to even, the sign kept on a rounded-away negative. */
export function pyFormatFixed(x: number, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 100) throw new RangeError(`decimals must be 0–100, got ${decimals}`);
  const named = special(x);
  if (named) return named;
  const { n, scale } = exactDecimal(x);
  const digits = roundToDecimals(n, scale, decimals).toString().padStart(decimals + 1, '0');
  const sign = isNegative(x) ? '-' : '';
  return decimals === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

const stripZeros = (text: string): string => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);

/**
 * `format(x, '.{precision}g')`: `precision` significant digits (exact ties to even);
 * positional when the decimal exponent lies in [−4, precision), else an exponent;
 * trailing zeros and a bare point dropped.
 */
export function pyFormatG(x: number, precision: number): string {
  if (!Number.isInteger(precision) || precision < 0 || precision > 100) throw new RangeError(`precision must be 0–100, got ${precision}`);
  const named = special(x);
  if (named) return named;
  const p = Math.max(1, precision);
  const sign = isNegative(x) ? '-' : '';
  if (x === 0) return `${sign}0`;
  const { n, scale } = exactDecimal(x);
  let exponent = n.toString().length - 1 - scale;
  let rounded = roundToDecimals(n, scale, p - 1 - exponent);
  if (rounded.toString().length > p) {
    // Rounding carried into a new digit (9.999996 → 10.0000).
    exponent += 1;
    rounded /= 10n;
  }
  const digits = rounded.toString();
  if (exponent >= -4 && exponent < p) {
    const decimals = p - 1 - exponent;
    const padded = digits.padStart(decimals + 1, '0');
    return sign + stripZeros(decimals === 0 ? padded : `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`);
  }
  return `${sign}${stripZeros(`${digits[0]}.${digits.slice(1)}`)}${exponentText(exponent)}`;
}

/** Python's `round(x)` on a float: to the nearest integer, exact halves to even (as NumPy's `rint`). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  const rounded = diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  // Keep the sign of a negative value that rounds to zero, as rint does.
  return rounded === 0 && isNegative(x) ? -0 : rounded;
}

/**
 * `round(v, decimals)` where v is a NumPy float64 (what `round(arr.mean(), 3)` calls):
 * NumPy scales, rounds half to even and scales back, `rint(v · 10^d) / 10^d`, which is not
 * Python's correctly rounded `round(float, d)`: 0.0125 → 0.012 here, 0.013 in plain Python.
 */
export function numpyRound(x: number, decimals: number): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 22) throw new RangeError(`decimals must be 0–22, got ${decimals}`);
  const factor = 10 ** decimals;
  return roundHalfEven(x * factor) / factor;
}

/** Python's float `a % b`: the result takes the divisor's sign (JavaScript's takes the dividend's). */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  if (r === 0) return b < 0 ? -0 : 0;
  return r < 0 !== b < 0 ? r + b : r;
}
