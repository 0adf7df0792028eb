import { PROMPT_FORMATS, PromptFormatSchema, type PromptFormat } from '@shared/api/analysis';
import { AppError } from '@shared/errors';

/** Option values shared by several commands, each checked with a message that names the option. */

/** A 0-based frame number. */
export function frameArg(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new AppError('INVALID_INPUT', `${name} must be a whole number ≥ 0 (0-based frames), got "${value}"`);
  return n;
}

/** The value of --prompt-format, or undefined when the flag is absent. */
export function promptFormatArg(value: string | undefined): PromptFormat | undefined {
  if (value === undefined) return undefined;
  const parsed = PromptFormatSchema.safeParse(value);
  if (!parsed.success) throw new AppError('INVALID_INPUT', `--prompt-format must be ${PROMPT_FORMATS.join(' or ')}, got "${value}"`);
  return parsed.data;
}
