import type { TFunction } from 'i18next';
import { NothingLabelledSchema, type NothingLabelled } from '@shared/api/evaluation';
import type { FacsText } from '@shared/facs/messages';
import type { ImportText } from '@shared/import-messages';

/** A FACS parser's reason in the window's language: its phrases (end of text, a side) said first. */
export function facsText(t: TFunction, text: FacsText): string {
  const phrases = Object.fromEntries(Object.entries(text.phrases ?? {}).map(([name, phrase]) => [name, t(`facsPhrases.${phrase.key}`, phrase.params ?? {})]));
  return t(`facsMessages.${text.key}`, { ...text.params, ...phrases });
}

/** An import message in the window's language, with the FACS reason and the worded lists it holds. */
export function importText(t: TFunction, text: ImportText): string {
  const lists = Object.fromEntries(Object.entries(text.lists ?? {}).map(([name, items]) => [name, items.map((item) => importText(t, item)).join(t('common.listSeparator'))]));
  const detail = text.detail ? { detail: facsText(t, text.detail) } : {};
  return t(`importMessages.${text.key}`, { ...text.params, ...lists, ...detail });
}

const GENERATED_FLOW = /^flow-variational:(fast|balanced|accurate)$/;

/** The flow model an analysis recorded: a built-in preset in the window's language, a learned model by its id. */
export function flowModelText(t: TFunction, model: string): string {
  const preset = GENERATED_FLOW.exec(model)?.[1];
  return preset ? t('analysisFlow.generated', { preset: t(`analysisFlow.presets.${preset}`) }) : model;
}

/**
 * An evaluation's failure in the window's language: a reference with no labels is expected
 * (guidance: whose labels the workspace holds, the names to type instead); any other
 * failure as main wrote it.
 */
export function evaluationErrorText(t: TFunction, failure: unknown): { readonly text: string; readonly expected: boolean } {
  const detail = NothingLabelledSchema.safeParse((failure as { detail?: unknown } | null)?.detail);
  if (!detail.success) return { text: failure instanceof Error ? failure.message : String(failure), expected: false };
  return { text: nothingLabelledText(t, detail.data), expected: true };
}

function nothingLabelledText(t: TFunction, detail: NothingLabelled): string {
  const { reference, annotators } = detail;
  const words = reference.kind === 'annotator' ? t('evaluation.annotatorLabels', { name: reference.name }) : t(`evaluation.${reference.kind}`);
  if (annotators.length === 0) return t('evaluation.nothing.none', { reference: words });
  return t(annotators.length === 1 ? 'evaluation.nothing.fromOne' : 'evaluation.nothing.fromMany', { reference: words, annotators: annotators.join(t('common.listSeparator')) });
}
