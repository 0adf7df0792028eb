import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { formatFps } from '../../src/shared/fps';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-fps-');
/** The rate the probe measured for a real CASME II clip (issue #20): timestamps drift by microseconds. */
const MEASURED = 30.00000697674581;

describe('frame rates shown to people', () => {
  it('rounds to at most three decimals for display, keeping real fractions', () => {
    expect(formatFps(MEASURED)).toBe('30');
    expect(formatFps(30000 / 1001)).toBe('29.97');
    expect(formatFps(200)).toBe('200');
    expect(formatFps(199.9996)).toBe('200');
    expect(formatFps(12.5)).toBe('12.5');
    expect(formatFps(0.0001)).toBe('0');
  });

  it('the store keeps the measured rate; the MEGC spotting csv and the report show it rounded', async () => {
    const dir = tempDir();
    const services = createServices({ userDataDir: join(dir, 'home') });
    const call = async (name: string, payload: unknown = {}) => dispatch(createHandlerTable(services), name, payload, { transport: 'direct' });
    try {
      await services.settings.update({ annotator: 'ana' });
      expect(await call('workspace.create', { path: join(dir, 'w.mellm') })).toMatchObject({ ok: true });
      // As the app adds a clip: the fps is media.open's measurement, stored as is.
      expect(await call('clips.add', { path: join(dir, 'EP01_01'), kind: 'sequence', fps: MEASURED, frames: 120, width: 8, height: 8, subject: '01', dataset: 'casme2', datasetFilename: 'EP01_01' })).toMatchObject({ ok: true });
      expect(await call('clips.list')).toMatchObject({ ok: true, data: [{ fps: MEASURED }] });
      await call('events.create', { clipId: 1, onset: 10, apex: 20, offset: 40, source: 'manual' });
      expect(await call('annotations.save', { eventId: 1, annotator: 'ana', aus: '12', emotion: 'happiness', label3: 'positive' })).toMatchObject({ ok: true });
      const folder = join(dir, 'out');
      const outcome = (await call('export.run', { formats: ['megc', 'report'], folder })) as { ok: boolean; data: { files: { path: string }[] } };
      expect(outcome.ok).toBe(true);
      const file = (end: string) => readFileSync(outcome.data.files.find((f) => f.path.endsWith(end))!.path, 'utf8');
      const spotting = file('megc-spotting.csv').trim().split('\r\n');
      const columns = spotting[0]?.split(',') ?? [];
      const cell = (name: string) => spotting[1]?.split(',')[columns.indexOf(name)];
      expect(cell('fps')).toBe('30');
      expect(cell('capture_fps')).toBe('30');
      const report = file('.html');
      expect(report).toContain('120 frames at 30 fps');
      expect(report).not.toContain(String(MEASURED));
    } finally {
      await disposeServices(services);
    }
  });
});
