import { describe, expect, it } from 'vitest';
import en from '../../src/renderer/src/i18n/locales/en.json';
import zhCN from '../../src/renderer/src/i18n/locales/zh-CN.json';
import { FACS_MESSAGES, FACS_PHRASES } from '../../src/shared/facs/messages';
import { IMPORT_MESSAGES } from '../../src/shared/import-messages';
import { IMPORT_REFUSALS } from '../../src/shared/import-refusal';

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === 'string') out.set(path, child);
    else for (const [k, v] of flatten(child, path)) out.set(k, v);
  }
  return out;
}

describe('translations', () => {
  // The window's English includes the import messages and FACS reasons main writes (one table for both).
  const english = flatten({ ...en, importMessages: IMPORT_MESSAGES, importRefusals: IMPORT_REFUSALS, facsMessages: FACS_MESSAGES, facsPhrases: FACS_PHRASES });
  const chinese = flatten(zhCN);

  it('have the same keys in English and Simplified Chinese', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have no empty strings and keep every interpolation placeholder', () => {
    for (const [key, text] of english) {
      expect(text.trim(), key).not.toBe('');
      const placeholders = (s: string) => (s.match(/{{\s*\w+\s*}}/g) ?? []).sort();
      expect(placeholders(chinese.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('are actually translated (Chinese text uses CJK characters)', () => {
    const translated = [...chinese.entries()].filter(([, text]) => /[\u4e00-\u9fff]/.test(text));
    // Proper names (ffmpeg, SQLite, ONNX Runtime, Electron IPC, language names) stay as they are.
    expect(translated.length / chinese.size).toBeGreaterThan(0.75);
  });

  it('name the apex one way in Chinese, as the CASME II literature does (顶点帧; onset 起始帧, offset 结束帧)', () => {
    const peaks = [...chinese.entries()].filter(([, text]) => text.includes('峰值'));
    expect(peaks.map(([key]) => key)).toEqual([]);
    expect([...chinese.values()].filter((text) => text.includes('顶点')).length).toBeGreaterThan(5);
  });

  it('leave no count in English to a plural noun it may not agree with ("1 conflicts", "label(s)")', () => {
    // A count is said through a _one/_other pair (often `counts.*`), never as a number before a fixed plural.
    const plural = /{{\w+}} (?:[a-z-]+ ){0,2}?(?:events|labels|records|conflicts|codes|resamples|clips|rows|files|annotations|intervals|entries)\b/;
    const loose = [...english].filter(([key, text]) => text.includes('(s)') || (!key.endsWith('_other') && plural.test(text)));
    expect(loose.map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });
});
