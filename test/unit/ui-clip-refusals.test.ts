import { describe, expect, it } from 'vitest';
import { ClipRefusals } from '../../src/renderer/src/state/clip-refusals';

const refused = (clipId: string, message: string) => ({ clipId, code: 'MEDIA_UNREADABLE', message });
const CUT = 'Cannot read video /clips/a.mp4: frame 49 (the last of the 50 its index lists) cannot be decoded: the file is truncated or damaged';

/**
 * `media.refused` comes once, whenever main's last-frame check ends: before the view that
 * shows the clip subscribes, or even before the open's answer on the bridge. The view must
 * still read the reason when it subscribes, and a re-open must not leave an old one behind.
 */
describe('the renderer keeps the last refusal per clip', () => {
  it('a refusal heard before the view subscribes is there when it does', () => {
    const refusals = new ClipRefusals();
    const opening = refusals.opening();
    refusals.heard(refused('aaaaaaaaaaaaaaaaaaaaaa', CUT));
    opening.answered('aaaaaaaaaaaaaaaaaaaaaa');
    let calls = 0;
    refusals.subscribe(() => (calls += 1));
    expect(refusals.reason('aaaaaaaaaaaaaaaaaaaaaa')).toBe(CUT);
    expect(refusals.reason('bbbbbbbbbbbbbbbbbbbbbb')).toBeNull();
    expect(refusals.reason(null)).toBeNull();
    expect(calls).toBe(0);
  });

  it('tells a subscriber when a refusal comes, and ignores what is not one', () => {
    const refusals = new ClipRefusals();
    let calls = 0;
    refusals.subscribe(() => (calls += 1));
    refusals.heard({ clipId: 'aaaaaaaaaaaaaaaaaaaaaa' });
    refusals.heard('nonsense');
    expect(calls).toBe(0);
    refusals.heard(refused('aaaaaaaaaaaaaaaaaaaaaa', CUT));
    expect(calls).toBe(1);
  });

  it('a re-open answered for the clip drops a refusal heard before it was asked, not one heard since', () => {
    const refusals = new ClipRefusals();
    refusals.heard(refused('aaaaaaaaaaaaaaaaaaaaaa', CUT));
    const clean = refusals.opening();
    clean.answered('aaaaaaaaaaaaaaaaaaaaaa');
    expect(refusals.reason('aaaaaaaaaaaaaaaaaaaaaa')).toBeNull();

    const again = refusals.opening();
    refusals.heard(refused('aaaaaaaaaaaaaaaaaaaaaa', CUT));
    again.answered('aaaaaaaaaaaaaaaaaaaaaa');
    expect(refusals.reason('aaaaaaaaaaaaaaaaaaaaaa')).toBe(CUT);
  });

  it('keeps a bounded number of clips, the oldest going first', () => {
    const refusals = new ClipRefusals();
    const id = (n: number) => `c${String(n).padStart(21, '0')}`;
    for (let n = 0; n < 100; n += 1) refusals.heard(refused(id(n), `reason ${n}`));
    expect(refusals.reason(id(0))).toBeNull();
    expect(refusals.reason(id(99))).toBe('reason 99');
    expect(refusals.reason(id(36))).toBe('reason 36');
  });
});
