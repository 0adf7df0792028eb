import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { numpyRound, pyFloatRepr, pyFormatFixed, pyFormatG, pyMod, roundHalfEven } from '../../src/main/analysis/python-format';
import { mulberry32 } from '../../src/main/util/random';

/** Whether python3 runs here (it does in CI); numpy is optional and only deepens one check. */
const python = spawnSync('python3', ['-c', 'import sys; print(sys.version_info[0])'], { encoding: 'utf8' }).stdout.trim() === '3';

describe('Python number printing', () => {
  // Expected strings are what Python 3.11 prints for the same doubles.
  it('repr: shortest round-trip digits, ".0" on integral values, exponents from 1e-05 and 1e+16', () => {
    const values = [0, -0, 1, 0.1, 1e-5, 123.456, 0.412, 1e16, 1e15, 1234567890123456, 0.0001, 0.00012, 5e-324, 1.7976931348623157e308, -2.5, 100, 0.1 + 0.2, NaN, Infinity, -Infinity];
    expect(values.map(pyFloatRepr)).toEqual([
      '0.0', '-0.0', '1.0', '0.1', '1e-05', '123.456', '0.412', '1e+16', '1000000000000000.0', '1234567890123456.0', '0.0001', '0.00012', '5e-324',
      '1.7976931348623157e+308', '-2.5', '100.0', '0.30000000000000004', 'nan', 'inf', '-inf',
    ]);
  });

  it('.6g: six significant digits, exponent outside [−4, 6), zeros stripped', () => {
    const values = [0, 1e-5, 5.2e-5, 0.000123456789, 123456789, 9.9999996, 0.5, 100, 1234567, 999999.5, -0];
    expect(values.map((v) => pyFormatG(v, 6))).toEqual(['0', '1e-05', '5.2e-05', '0.000123457', '1.23457e+08', '10', '0.5', '100', '1.23457e+06', '1e+06', '-0']);
  });

  it('.3f: exact ties go to even (JavaScript toFixed rounds them up), the sign stays on −0.000', () => {
    const values = [0.0625, 0, 0.15, 1.0005, 2.675, -0.0001, 1e22, 0.9995, 0.1245];
    expect(values.map((v) => pyFormatFixed(v, 3))).toEqual(['0.062', '0.000', '0.150', '1.000', '2.675', '-0.000', '10000000000000000000000.000', '1.000', '0.124']);
    expect((0.0625).toFixed(3)).toBe('0.063');
  });

  it("round(np.float64, 3) scales and rounds half to even, unlike Python's round(float, 3)", () => {
    // NumPy 2.4: [0.012, 1.0, 2.675, 0.124, 0.0, 0.002, 123.456]; plain Python gives 0.013, 0.123, 0.001, 123.457 for four of them.
    expect([0.0125, 1.0005, 2.675, 0.1235, 0.0005, 0.0015, 123.4565].map((v) => numpyRound(v, 3))).toEqual([0.012, 1, 2.675, 0.124, 0, 0.002, 123.456]);
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999999999999996].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2]);
  });

  it('% takes the sign of the divisor', () => {
    expect([pyMod(-90, 360), pyMod(450, 360), pyMod(-1e-20, 360), pyMod(0, 360), pyMod(-360, 360)]).toEqual([270, 90, 360, 0, 0]);
  });

  it('rejects precisions it cannot print', () => {
    expect(() => pyFormatG(1, -1)).toThrow(RangeError);
    expect(() => pyFormatFixed(1, 1.5)).toThrow(RangeError);
    expect(() => numpyRound(1, 40)).toThrow(RangeError);
  });

  it.runIf(python)('matches python3 on thousands of doubles (repr, .6g, .3f, round-half-even)', () => {
    const next = mulberry32(18);
    const view = new DataView(new ArrayBuffer(8));
    const values: number[] = [];
    while (values.length < 4000) {
      // Any bit pattern (subnormals, huge, tiny), then the magnitudes ROI statistics have.
      view.setUint32(0, next());
      view.setUint32(4, next());
      const any = view.getFloat64(0);
      if (Number.isFinite(any) && !Object.is(any, -0)) values.push(any);
      values.push((next() / 2 ** 32) * 10 ** ((next() % 12) - 8));
      // Values sitting on a 3-decimal half: the rounding rule decides them.
      values.push(((next() % 100_000) + 0.5) / 1000);
    }
    const script = [
      'import json, sys',
      'out = []',
      "for v in map(float, json.load(sys.stdin)):  # JSON writes 1e21 as an integer",
      "    out.append([repr(v), format(v, '.6g'), format(v, '.3f') if abs(v) < 1e30 else '', float(round(v)) if abs(v) < 1e300 else v])",
      'json.dump(out, sys.stdout)',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(values), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as Array<[string, string, string, number]>;
    const mismatches = values
      .map((v, i) => {
        const [repr, g6, f3, rounded] = expected[i] as [string, string, string, number];
        const ours = [pyFloatRepr(v), pyFormatG(v, 6), Math.abs(v) < 1e30 ? pyFormatFixed(v, 3) : '', Math.abs(v) < 1e300 ? roundHalfEven(v) : v];
        return ours[0] === repr && ours[1] === g6 && ours[2] === f3 && ours[3] === rounded ? null : { v, ours, python: [repr, g6, f3, rounded] };
      })
      .filter((m) => m !== null);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  const numpy = python && spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  it.runIf(numpy)('matches numpy round(np.float64(v), 3) where numpy is installed', () => {
    const next = mulberry32(7);
    const values = Array.from({ length: 3000 }, (_, i) => (i % 2 ? ((next() % 100_000) + 0.5) / 1000 : (next() / 2 ** 32) * 10 ** ((next() % 8) - 5)));
    const script = 'import json, sys\nimport numpy as np\njson.dump([float(round(np.float64(float(v)), 3)) for v in json.load(sys.stdin)], sys.stdout)';
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(values), encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as number[];
    expect(values.map((v) => numpyRound(v, 3)).filter((r, i) => r !== expected[i])).toEqual([]);
  });
});
