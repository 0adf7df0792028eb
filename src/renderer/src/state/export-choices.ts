/**
 * The Export view's last choices — formats, folder, prompt format and the options worth
 * keeping — so the next export starts from them. "Replace existing files" is never
 * remembered: replacing files must be asked for each time.
 */
import { z } from 'zod';
import { readSaved, writeSaved, type KeyValueStorage } from './saved-state';

const KEY = 'mellm.export.v1';

const ChoicesSchema = z.object({
  formats: z.array(z.string().max(64)).max(64),
  folder: z.string().max(4096),
  promptFormat: z.string().max(32),
  onlyApproved: z.boolean(),
  anonymise: z.boolean(),
  includeImages: z.boolean(),
});
export type ExportChoices = z.infer<typeof ChoicesSchema>;

/** The saved choices, keeping only formats and prompt formats this app has. */
export function readExportChoices(storage: KeyValueStorage | null, formats: readonly string[], promptFormats: readonly string[]): ExportChoices | null {
  const saved = readSaved(storage, KEY, ChoicesSchema);
  if (!saved) return null;
  return {
    ...saved,
    formats: saved.formats.filter((format) => formats.includes(format)),
    promptFormat: promptFormats.includes(saved.promptFormat) ? saved.promptFormat : (promptFormats[0] ?? saved.promptFormat),
  };
}

export function writeExportChoices(storage: KeyValueStorage | null, choices: ExportChoices): void {
  writeSaved(storage, KEY, choices);
}
