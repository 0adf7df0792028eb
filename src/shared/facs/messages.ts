/**
 * What the FACS parser says about a text it refuses, as a key and its values: the English
 * (the CLI's, the import report's, main's errors) is written from these tables, and the
 * window says it in its own language from the same key (`facsMessages.<key>`, with the
 * phrases a value stands for under `facsPhrases.<key>`), so no reason is translated in main.
 */
export const FACS_MESSAGES = {
  numberTooLong: '{{kind}} number at character {{position}} is too long (at most {{max}} digits)',
  expectedAuNumber: 'Expected an AU number at character {{position}}, found {{found}}',
  expectedAdNumber: 'Expected an AD number at character {{position}}, found {{found}}',
  unknownCode: 'Unknown {{kind}} {{au}} at character {{position}}',
  badIntensity: 'Invalid intensity {{found}} at character {{position}} (expected A–E)',
  rangeNotClosed: "Expected an intensity (A–E) at character {{position}} to close the range '{{range}}', found {{found}}",
  rangeMustRise: "Intensity range '{{range}}' at character {{position}} must rise (e.g. A/B)",
  markerNested: "Invalid marker at character {{open}}: '(' at character {{position}} inside it",
  markerBadCharacter: 'Invalid character {{found}} in the marker at character {{position}}',
  unclosedParenthesis: "Unclosed '(' at character {{position}}",
  markerEmpty: 'Invalid marker at character {{position}}: empty parentheses',
  expectedSide: "Expected a side (L, R or U) after 'A/' at character {{position}}, found {{found}}",
  unexpectedAfterCode: "Unexpected {{found}} at character {{position}} after code '{{code}}'",
  unclosedReference: "Unclosed 'ref(' at character {{position}}",
  referenceHoldsOne: "Expected ')' to close 'ref(' at character {{position}}, found {{found}}: a reference holds one code",
  unexpectedAfterReference: 'Unexpected {{found}} at character {{position}} after a reference',
  noteNotLast: "Unexpected {{found}} at character {{position}} in the note '{{note}}': a note comes last and runs to the end of the text",
  parenthesesNest: "Unexpected '(' at character {{position}}: parentheses do not nest",
  expectedOrOrClose: "Expected 'or' or ')' at character {{position}}, found {{found}}",
  expectedAlternative: "Expected an alternative after 'or' at character {{position}}",
  unexpectedAfterGroup: "Unexpected {{found}} at character {{position}} after ')'",
  expectedCodeAfter: "Expected an AU code after '{{separator}}' at character {{position}}",
  emptyCode: 'Empty code between separators at character {{position}}',
  unexpected: 'Unexpected {{found}} at character {{position}}',
  tooLong: 'FACS text is {{length}} characters long (at most {{max}})',
  uncertainAlone: "Unexpected {{found}} at character {{position}}: '?' alone means the AUs are not known; mark one code uncertain as 12?",
  sidesDisagree: '{{name}} is coded for {{firstSide}} ({{first}}) and for {{secondSide}} ({{second}}) at character {{position}}: code it once, or as L and R for an asymmetric action',
  positionsDisagree: '{{name}} is coded for {{firstPosition}} ({{first}}) and for {{secondPosition}} ({{second}}) at character {{position}}: code it once, or as T and B',
  twoIntensities: '{{name}} is coded with two intensities ({{first}} and {{second}}) at character {{position}}: keep one',
  codedTwice: '{{name}} is coded twice (at characters {{first}} and {{position}}): keep one',
} as const;

/** Words a value stands for: the end of the text, an invisible character, a side or half of the face. */
export const FACS_PHRASES = {
  endOfText: 'end of text',
  character: "'{{character}}'",
  codePoint: '{{code}}',
  controlCharacter: 'control character {{code}}',
  code: '{{code}}',
  referencedCode: 'referenced {{code}}',
  bothSides: 'both sides',
  leftOnly: 'the left side only',
  rightOnly: 'the right side only',
  oneSide: 'one side',
  topAndBottom: 'top and bottom',
  topOnly: 'the top only',
  bottomOnly: 'the bottom only',
} as const;

export type FacsMessageKey = keyof typeof FACS_MESSAGES;
export type FacsPhraseKey = keyof typeof FACS_PHRASES;
export const FACS_MESSAGE_KEYS = Object.keys(FACS_MESSAGES) as [FacsMessageKey, ...FacsMessageKey[]];
export const FACS_PHRASE_KEYS = Object.keys(FACS_PHRASES) as [FacsPhraseKey, ...FacsPhraseKey[]];

type Params = Readonly<Record<string, string | number>>;

/** A value that is words (said in the reader's language) rather than the coder's own text or a number. */
export interface FacsPhrase {
  readonly key: FacsPhraseKey;
  readonly params?: Params;
}

export interface FacsText {
  readonly key: FacsMessageKey;
  readonly params: Params;
  readonly phrases?: Readonly<Record<string, FacsPhrase>>;
}

const fill = (template: string, params: Params) => template.replace(/{{(\w+)}}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

/** The English text of a parser message. */
export function facsMessage(text: FacsText): string {
  const phrases = Object.fromEntries(Object.entries(text.phrases ?? {}).map(([name, p]) => [name, fill(FACS_PHRASES[p.key], p.params ?? {})]));
  return fill(FACS_MESSAGES[text.key], { ...text.params, ...phrases });
}
