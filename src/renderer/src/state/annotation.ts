/**
 * The annotation an annotator edits for one ME event, its provenance with respect to
 * the model's suggestion, and what changed from that suggestion. Pure functions: the
 * view keeps state, these decide.
 */
import { facsCodes, formatFacsCode, formatFacsTerm, parseFacs } from '@shared/facs';

export const LABELS3 = ['positive', 'negative', 'surprise'] as const;
export type Label3 = (typeof LABELS3)[number];
/** CASME II / SAMM emotion vocabulary (free text is allowed in the store). */
export const EMOTIONS = ['happiness', 'disgust', 'repression', 'surprise', 'fear', 'sadness', 'anger', 'contempt', 'others'] as const;
export type Provenance = 'accepted' | 'edited' | 'manual';

export interface AnnotationDraft {
  readonly aus: string;
  readonly emotion: string | null;
  readonly label3: Label3 | null;
  readonly description: string;
}

export const EMPTY_DRAFT: AnnotationDraft = { aus: '', emotion: null, label3: null, description: '' };
export const DRAFT_FIELDS = ['aus', 'emotion', 'label3', 'description'] as const;
export type DraftField = (typeof DRAFT_FIELDS)[number];

/** The model's proposal for the same fields (null where it proposes nothing). */
export type Suggestion = { readonly [K in DraftField]: AnnotationDraft[K] | null };

/** Canonical comparison: `1+2` and `AU1 + AU2` are the same AUs. */
export function sameValue(field: DraftField, a: string | null, b: string | null): boolean {
  if (field === 'aus') return canonicalAus(a ?? '') === canonicalAus(b ?? '');
  if (field === 'description') return (a ?? '').trim() === (b ?? '').trim();
  return (a ?? null) === (b ?? null);
}

function canonicalAus(text: string): string {
  const parsed = parseFacs(text);
  if (!parsed.ok) return text.trim();
  const { alternatives, note } = parsed.value;
  if (parsed.value.uncertain) return '?';
  const codes = alternatives.map((terms) => terms.map(formatFacsTerm).sort().join('+')).join(' or ');
  return note ? `${codes}+${note}` : codes;
}

function isEmpty(value: string | null): boolean {
  return value === null || value.trim() === '';
}

/**
 * Where a field's value came from: taken unchanged from the suggestion (accepted),
 * started from it and changed (edited: `fromSuggestion` says the annotator took it), or
 * typed by the annotator (manual). Null for an empty field nobody touched.
 */
export function fieldProvenance(field: DraftField, value: string | null, suggested: string | null, fromSuggestion: boolean): Provenance | null {
  if (!isEmpty(suggested) && sameValue(field, value, suggested)) return 'accepted';
  if (isEmpty(value)) return null;
  return fromSuggestion ? 'edited' : 'manual';
}

/** One provenance for the stored annotation: accepted only if every filled field was accepted unchanged. */
export function annotationProvenance(fields: ReadonlyArray<Provenance | null>): Provenance {
  const present = fields.filter((p): p is Provenance => p !== null);
  if (!present.length) return 'manual';
  if (present.every((p) => p === 'accepted')) return 'accepted';
  if (present.every((p) => p === 'manual')) return 'manual';
  return 'edited';
}

export function draftProvenance(draft: AnnotationDraft, suggestion: Suggestion | null, taken: ReadonlySet<DraftField>): Record<DraftField, Provenance | null> {
  const out = {} as Record<DraftField, Provenance | null>;
  for (const field of DRAFT_FIELDS) out[field] = fieldProvenance(field, draft[field], suggestion?.[field] ?? null, taken.has(field));
  return out;
}

export interface DiffPart {
  readonly kind: 'same' | 'added' | 'removed';
  readonly text: string;
}

/** Word-level diff (LCS) from the suggested text to the annotator's text. */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = before.split(/(\s+)/).filter(Boolean);
  const b = after.split(/(\s+)/).filter(Boolean);
  // Long descriptions: the table is (a+1)(b+1); cap the work and fall back to replace.
  if (a.length * b.length > 250_000) return [{ kind: 'removed', text: before }, { kind: 'added', text: after }];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => {
    const last = parts.at(-1);
    if (last && last.kind === kind) parts[parts.length - 1] = { kind, text: last.text + text };
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push('same', a[i]!);
      i += 1;
      j += 1;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) push('removed', a[i++]!);
    else push('added', b[j++]!);
  }
  while (i < a.length) push('removed', a[i++]!);
  while (j < b.length) push('added', b[j++]!);
  return parts;
}

/** AU codes added and removed relative to the suggestion (by canonical code text). */
export function diffAus(suggested: string, current: string): { added: string[]; removed: string[] } {
  const codes = (text: string) => {
    const parsed = parseFacs(text);
    return new Set(parsed.ok ? facsCodes(parsed.value).map(formatFacsCode) : []);
  };
  const before = codes(suggested);
  const after = codes(current);
  return { added: [...after].filter((c) => !before.has(c)), removed: [...before].filter((c) => !after.has(c)) };
}
