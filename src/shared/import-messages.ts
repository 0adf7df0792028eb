import type { FacsText } from './facs/messages';

/**
 * What a sheet import says about a row, the workbook or the layout it chose, as a key and
 * its values: main writes the English (the CLI's and the report's text) from this table,
 * and the window says it in its own language from the same key (the renderer's
 * `importMessages.<key>`), so no message is translated in main. Values are what the sheet
 * holds (cell text, numbers, paths); the FACS parser's reason travels as its own key
 * (`detail`), a list of worded items as texts (`lists`); a decoder's error stays as it came.
 */
export const IMPORT_MESSAGES = {
  unsafeName: "'{{value}}' is not a plain name (no '/', '\\' or '..'): refusing to look outside the media root",
  frameMissing: '{{field}} frame is missing',
  notAFrame: "expected a frame number, got '{{text}}'",
  fpsMissing: 'the frame rate is missing',
  badFps: "expected a frame rate (frames per second), got '{{text}}'",
  sourceMissing: 'the source dataset is missing',
  unknownSource: "'{{text}}' names no dataset this importer knows ({{known}})",
  unknownLabel: "expected a MEGC class (0 negative, 1 positive, 2 surprise), got '{{text}}'",
  subjectMissing: 'subject is missing',
  filenameMissing: 'file name is missing',
  apexMissing: "apex is '{{text}}': imported without an apex",
  onsetAfterOffset: 'onset {{onset}} is after offset {{offset}}',
  apexBeforeOnset: 'apex {{apex}} is before onset {{onset}}',
  apexAfterOffset: 'apex {{apex}} is after offset {{offset}}',
  ausNotFacs: "action units '{{text}}': {{detail}}",
  ausUncertain: "action units '{{text}}' are marked uncertain: imported and flagged",
  emotionTooLong: 'emotion is {{length}} characters long (at most {{max}})',
  clipNotFound: 'clip not found under the media root (tried {{tried}})',
  frameFileNotFound: 'frame not found under the media root (tried {{tried}})',
  clipUnreadable: 'cannot read the clip {{path}}: {{detail}}',
  frameFileNotInFolder: 'frame file {{file}} is not in the clip folder {{path}}',
  frameGap: 'frame {{frame}} is missing from the clip folder {{path}}',
  frameNotInClip: 'frame {{frame}} is not in the clip ({{frames}} frames)',
  frameFilesOrder: "the frame files put onset, apex and offset at the folder's frames {{onset}}, {{apex}} and {{offset}} (counted from 1): not in order",
  fpsConflict: "frame rate {{fps}} differs from row {{row}}'s {{earlier}} for the same clip",
  duplicateRow: 'the same event as row {{row}} (clip, frames and AU text): skipped',
  alreadyPresent: 'this event is already in the workspace (same clip, frames and AU text): skipped',
  noRows: 'the sheet has no data rows',
  framePathEmpty: 'the frame path is empty',
  framePathTooDeep: 'the frame path has more than {{max}} parts',
  framePathClimbs: "'{{text}}' climbs out of its folder ('..'): refusing to look outside the media root",
  framePathNotImage: "'{{file}}' is not an image file ({{extensions}})",
  framePathNoFolder: "'{{text}}' names no clip folder, only a file",
  worksheetRead: "read the worksheet '{{name}}', the first visible one; not read: {{others}}",
  worksheetReadHidden: "read the worksheet '{{name}}', although it is hidden (the workbook has no visible worksheet)",
  worksheetReadHiddenOthers: "read the worksheet '{{name}}', although it is hidden (the workbook has no visible worksheet); not read: {{others}}",
  sheetHidden: "'{{name}}' (hidden)",
  sheetNotWorksheet: "'{{name}}' (not a worksheet)",
  sheetOther: "'{{name}}'",
  layoutFromHeader: 'header row {{row}} ({{cells}}) is the {{layout}} layout',
  layoutFromHeaderExtras: 'header row {{row}} ({{cells}}) is the {{layout}} layout; columns it does not know are kept as extras: {{extras}}',
  layoutGeneric: "no dataset's header found; header row {{row}} ({{cells}}) maps by its standard names as a generic sheet",
  layoutHeaderless: "no header row; the first row holds frame numbers in columns 3–5 as CAS(ME)²'s sheet does",
} as const;

export type ImportMessageKey = keyof typeof IMPORT_MESSAGES;
export const IMPORT_MESSAGE_KEYS = Object.keys(IMPORT_MESSAGES) as [ImportMessageKey, ...ImportMessageKey[]];
export type ImportMessageParams = Readonly<Record<string, string | number>>;

export interface ImportText {
  readonly key: ImportMessageKey;
  readonly params: ImportMessageParams;
  /** The FACS parser's reason, whose English is the `detail` value. */
  readonly detail?: FacsText;
  /** Values that are lists of worded items ("'Old' (hidden)"), each said in the reader's language. */
  readonly lists?: Readonly<Record<string, ImportText[]>>;
}

/** The English text of a message (a placeholder without a value is left as written). */
export function importMessage(text: ImportText): string {
  const lists = Object.fromEntries(Object.entries(text.lists ?? {}).map(([name, items]) => [name, items.map(importMessage).join(', ')]));
  const params = { ...text.params, ...lists };
  return IMPORT_MESSAGES[text.key].replace(/{{(\w+)}}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A problem's message fields: the English text and the key it came from. */
export function saying(text: ImportText): { message: string; text: ImportText } {
  return { message: importMessage(text), text };
}
