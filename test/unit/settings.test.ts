import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsStore } from '../../src/main/settings';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();

describe('SettingsStore', () => {
  it('starts from defaults and writes a private file', async () => {
    const dir = tempDir();
    const store = new SettingsStore(dir);
    expect(await store.get()).toEqual(DEFAULT_SETTINGS);
    await store.update({ theme: 'light' });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(await new SettingsStore(dir).get()).toMatchObject({ theme: 'light' });
  });

  it('keeps an unreadable settings file aside instead of overwriting it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    expect(await new SettingsStore(dir).get()).toEqual(DEFAULT_SETTINGS);
    expect(readdirSync(dir).some((name) => name.startsWith('settings.json.unreadable-'))).toBe(true);
  });

  it('refuses an invalid update and keeps the previous value', async () => {
    const store = new SettingsStore(tempDir());
    await store.update({ frameCacheMB: 256 });
    await expect(store.update({ frameCacheMB: 1 })).rejects.toThrow();
    expect((await store.get()).frameCacheMB).toBe(256);
  });

  it('keeps both of two updates made at once: neither is built on the settings from before the other', async () => {
    const dir = tempDir();
    const store = new SettingsStore(dir);
    await store.get();
    const [first, second] = await Promise.all([store.update({ theme: 'light' }), store.update({ frameCacheMB: 384 })]);
    expect(first).toMatchObject({ theme: 'light' });
    expect(second).toMatchObject({ theme: 'light', frameCacheMB: 384 });
    expect(await new SettingsStore(dir).get()).toMatchObject({ theme: 'light', frameCacheMB: 384 });
  });

  it('generates as MELLM by default but for the cap: the template decides thinking, at most 2048 new tokens; a file from before keeps its choice', async () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ llmThinking: null, llmMaxNewTokens: 2048 });
    const dir = tempDir();
    // Written before the cap existed: the choice stays, the cap comes from the defaults.
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, llmThinking: false, llmMaxNewTokens: undefined }));
    const store = new SettingsStore(dir);
    expect(await store.get()).toMatchObject({ llmThinking: false, llmMaxNewTokens: 2048 });
    await expect(store.update({ llmMaxNewTokens: 0 })).rejects.toThrow();
    await expect(store.update({ llmMaxNewTokens: 32769 })).rejects.toThrow();
    expect(await store.update({ llmMaxNewTokens: 64, llmThinking: null })).toMatchObject({ llmMaxNewTokens: 64, llmThinking: null });
  });
});
