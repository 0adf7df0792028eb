import { parseFacs } from '@shared/facs';

export type CoderAus = { ok: true; uncertain: boolean } | { ok: false; message: string };

/**
 * Checks a coding sheet's AU text, kept as the coder wrote it: FACS that parses is
 * imported, an uncertain coding (`?`) imported and flagged; anything else is refused
 * with the parser's message pointing at the character.
 */
export function readCoderAus(text: string): CoderAus {
  if (text.trim() === '?') return { ok: true, uncertain: true };
  const parsed = parseFacs(text);
  return parsed.ok ? { ok: true, uncertain: false } : { ok: false, message: parsed.error.message };
}
