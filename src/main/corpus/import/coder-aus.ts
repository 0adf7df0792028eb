import { facsIsUncertain, parseFacs, type FacsText } from '@shared/facs';

export type CoderAus = { ok: true; uncertain: boolean } | { ok: false; message: string; text: FacsText };

/**
 * Checks a coding sheet's AU text, kept as the coder wrote it: FACS that parses is
 * imported, a coding marked uncertain (`?`, or `12?` on one code) is imported and
 * flagged; anything else is refused with the parser's message pointing at the character.
 */
export function readCoderAus(text: string): CoderAus {
  const parsed = parseFacs(text);
  return parsed.ok ? { ok: true, uncertain: facsIsUncertain(parsed.value) } : { ok: false, message: parsed.error.message, text: parsed.error.text };
}
