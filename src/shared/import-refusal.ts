import { z } from 'zod';

/**
 * Why a sheet import wrote nothing, as a key and its values (the sheet's file name, the
 * count of problems): main writes the English (the CLI's and the error's text) from this
 * table, and the window says it in its own language from the same key
 * (`importRefusals.<key>`, the noun agreeing with `count` through i18next's _one/_other).
 * The rows' problems follow the English apart; the window lists them in its preview.
 */
export const IMPORT_REFUSALS = {
  noImportableRows: 'Nothing imported from {{sheet}}: no importable rows',
  problems_one: 'Nothing imported from {{sheet}}: {{count}} problem; to import the other rows, skip flagged rows ("Skip flagged rows" in the import panel, --skip-flagged in the CLI)',
  problems_other: 'Nothing imported from {{sheet}}: {{count}} problems; to import the other rows, skip flagged rows ("Skip flagged rows" in the import panel, --skip-flagged in the CLI)',
} as const;

export const ImportRefusalSchema = z.object({
  key: z.enum(['noImportableRows', 'problems']),
  params: z.object({ sheet: z.string(), count: z.number().int().nonnegative() }),
});
export type ImportRefusal = z.infer<typeof ImportRefusalSchema>;

/** Carried in the refusal's error `detail` under this name. */
export const ImportRefusalDetailSchema = z.object({ importRefusal: ImportRefusalSchema });

const englishPlural = new Intl.PluralRules('en');

/** The English text of a refusal: `problems` takes its _one or _other form by the count. */
export function importRefusalMessage(refusal: ImportRefusal): string {
  const key = refusal.key === 'problems' ? (`problems_${englishPlural.select(refusal.params.count) === 'one' ? 'one' : 'other'}` as const) : refusal.key;
  const params: Readonly<Record<string, string | number>> = refusal.params;
  return IMPORT_REFUSALS[key].replace(/{{(\w+)}}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The refusal an import error carries, or null for any other error. */
export function importRefusalOf(error: unknown): ImportRefusal | null {
  const parsed = ImportRefusalDetailSchema.safeParse((error as { detail?: unknown } | null)?.detail);
  return parsed.success ? parsed.data.importRefusal : null;
}
