import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewImport } from '../../src/main/app/import';
import { writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-frame-order-');

/**
 * Frame files named out of order (a MEGC composite list whose onset and offset paths are
 * swapped): the problem says where in the clip's folder each file is, counted from 1 as a
 * person counts a folder's files, and says that it counts so.
 */
describe('frame files out of order', () => {
  it("names the folder's frames counted from 1", async () => {
    const dir = tempDir();
    const root = join(dir, 'megc');
    // img46 … img86: img46 is the folder's first frame, img59 its 14th, img80 its 35th.
    await writeSequence(root, ['casme2', 'sub01', 'EP02_01f'], 46, 86);
    const paths = (n: number) => `/data/megc/casme2/sub01/EP02_01f/img${n}.jpg`;
    const sheet = await writeSheet(join(dir, 'megc2019_composite_apex.csv'), [
      ['data', 'subject', 'clip', 'label', 'onset_frame', 'apex_frame', 'offset_frame', 'onset_frame_path', 'apex_frame_path', 'offset_frame_path'],
      ['casme2', 'sub01', 'EP02_01f', 2, 46, 59, 80, paths(80), paths(59), paths(46)],
    ]);
    const report = await previewImport(null, { sheet, root, dataset: 'megc' });
    const problem = report.problems.find((p) => p.kind === 'frame-order');
    expect(problem?.message).toBe("the frame files put onset, apex and offset at the folder's frames 35, 14 and 1 (counted from 1): not in order");
    expect(problem?.text).toEqual({ key: 'frameFilesOrder', params: { onset: 35, apex: 14, offset: 1 } });
  });
});
