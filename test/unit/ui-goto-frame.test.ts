import { describe, expect, it } from 'vitest';
import { GOTO_DIGITS, gotoInput, gotoTarget } from '../../src/renderer/src/state/goto-frame';

describe('go to frame', () => {
  it('goes to a frame inside the clip as typed', () => {
    expect(gotoTarget('0', 120)).toEqual({ frame: 0, clamped: false });
    expect(gotoTarget('42', 120)).toEqual({ frame: 42, clamped: false });
    expect(gotoTarget('119', 120)).toEqual({ frame: 119, clamped: false });
  });

  it('clamps a number past the end to the last frame and says it did', () => {
    expect(gotoTarget('120', 120)).toEqual({ frame: 119, clamped: true });
    expect(gotoTarget('9999999', 120)).toEqual({ frame: 119, clamped: true });
  });

  it('reads a pasted value by its digits (a minus sign or spaces are not part of a frame number)', () => {
    expect(gotoInput(' 1 320 ')).toBe('1320');
    expect(gotoInput('-5')).toBe('5');
    expect(gotoInput('12abc')).toBe('12');
    expect(gotoTarget('frame 30', 120)).toEqual({ frame: 30, clamped: false });
  });

  it('keeps at most 7 digits, so the field never holds more than it shows', () => {
    expect(GOTO_DIGITS).toBe(7);
    expect(gotoInput('123456789')).toBe('1234567');
  });

  it('goes nowhere when nothing usable was typed or the clip is empty', () => {
    expect(gotoTarget('', 120)).toBeNull();
    expect(gotoTarget('abc', 120)).toBeNull();
    expect(gotoTarget('5', 0)).toBeNull();
  });
});
