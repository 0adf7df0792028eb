import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-demo-');

describe('workspace.openDemo (the start page’s “Open the demo corpus”)', () => {
  it('generates the demo corpus into the user-data folder on first use, opens it, and reopens it the next time without generating', async () => {
    const home = join(tempDir(), 'home');
    mkdirSync(join(home, 'demo-corpus'), { recursive: true });
    writeFileSync(join(home, 'demo-corpus', 'left-over.txt'), 'an interrupted first try');
    const services = createServices({ userDataDir: home });
    const table = createHandlerTable(services);
    const call = (name: string, payload: unknown = {}) => dispatch(table, name, payload, { transport: 'bridge' });

    const started = performance.now();
    const first = await Promise.all([call('workspace.openDemo'), call('workspace.openDemo')]);
    const generatedMs = performance.now() - started;
    const workspace = join(home, 'demo-corpus', 'demo.mellm');
    for (const answer of first) expect(answer).toMatchObject({ ok: true, data: { path: workspace, counts: { clips: 6, events: 6 } } });
    // The interrupted folder is kept aside, not deleted and not reused.
    const aside = readdirSync(home).filter((name) => name.startsWith('demo-corpus.incomplete-'));
    expect(aside).toHaveLength(1);
    expect(existsSync(join(home, aside[0] as string, 'left-over.txt'))).toBe(true);

    const clips = await call('clips.list');
    expect(clips.ok && (clips.data as { path: string }[]).map((c) => c.path.slice(home.length))).toEqual(
      ['01/EP01_01', '02/EP02_01', '03/EP03_01', '04/EP04_01', '05/EP05_01', '06/EP06_01'].map((p) => `/demo-corpus/CASME2_RAW/sub${p}`),
    );
    expect(await call('workspace.recent')).toMatchObject({ ok: true, data: [{ path: workspace }] });

    await call('workspace.close');
    const again = performance.now();
    expect(await call('workspace.openDemo')).toMatchObject({ ok: true, data: { path: workspace, counts: { clips: 6 } } });
    const reopenedMs = performance.now() - again;
    expect(reopenedMs).toBeLessThan(generatedMs / 5);
    console.info(`demo corpus: generated and opened in ${Math.round(generatedMs)} ms, reopened in ${Math.round(reopenedMs)} ms`);
    await disposeServices(services);
  }, 180_000);
});
