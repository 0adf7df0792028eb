import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHandlerTable, dispatch, type HandlerTable } from '../../src/main/api';
import { createServices } from '../../src/main/app/services';
import { AppError } from '../../src/shared/errors';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const meta = { transport: 'direct' as const };

function table(): HandlerTable {
  return createHandlerTable(createServices({ userDataDir: tempDir() }));
}

describe('dispatch', () => {
  it('answers a valid call with the handler output', async () => {
    const result = await dispatch(table(), 'app.info', {}, meta);
    expect(result.ok).toBe(true);
    expect(result.ok && (result.data as { transport: string }).transport).toBe('direct');
  });

  it('rejects an invalid payload with issues naming each field', async () => {
    const result = await dispatch(table(), 'settings.update', { language: 'fr', frameCacheMB: 'many' }, meta);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(result.error.issues?.map((i) => i.path).sort()).toEqual(['frameCacheMB', 'language']);
    expect(result.error.message).toContain('language');
  });

  it('rejects unknown keys, including prototype-pollution keys', async () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "language": "en"}') as unknown;
    const result = await dispatch(table(), 'settings.update', payload, meta);
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects unknown and non-string channel names', async () => {
    for (const name of ['nope', '__proto__', 'toString', 42, null]) {
      const result = await dispatch(table(), name, {}, meta);
      expect(result.ok ? 'ok' : result.error.code).toBe('UNKNOWN_CHANNEL');
    }
  });

  it('turns a thrown AppError into its code and message, and anything else into INTERNAL', async () => {
    const handlers = table();
    handlers['app.info'] = async () => {
      throw new AppError('NOT_FOUND', 'clip 7 is gone');
    };
    const typed = await dispatch(handlers, 'app.info', {}, meta);
    expect(typed).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'clip 7 is gone' } });
    handlers['app.info'] = async () => {
      throw new RangeError('boom');
    };
    const untyped = await dispatch(handlers, 'app.info', {}, meta);
    expect(untyped).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });

  it('refuses to return an answer that breaks the output schema', async () => {
    const handlers = table();
    handlers['settings.get'] = async () => ({ language: 'klingon' }) as never;
    const result = await dispatch(handlers, 'settings.get', {}, meta);
    expect(result.ok ? 'ok' : result.error.code).toBe('INVALID_OUTPUT');
  });

  it('persists settings through the handler table', async () => {
    const dir = tempDir();
    const first = createHandlerTable(createServices({ userDataDir: dir }));
    await dispatch(first, 'settings.update', { language: 'zh-CN', annotator: '王小明' }, meta);
    const second = createHandlerTable(createServices({ userDataDir: dir }));
    const result = await dispatch(second, 'settings.get', {}, meta);
    expect(result.ok && z.object({ language: z.string(), annotator: z.string() }).parse(result.data)).toMatchObject({
      language: 'zh-CN',
      annotator: '王小明',
    });
  });
});
