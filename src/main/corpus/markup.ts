/** Escapes text for XML/HTML element content and double-quoted attribute values. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => MARKUP_ENTITIES[char] ?? char);
}

const MARKUP_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// XML 1.0 forbids most C0 controls even as character references; drop them.
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * Escaped XML element text. CR is written as a reference because XML parsers turn a
 * literal CR LF into LF; with it the value reads back exactly as written.
 */
export function xmlText(text: string): string {
  return escapeMarkup(text.replace(XML_FORBIDDEN, '')).replaceAll('\r', '&#13;');
}

/** Escaped XML attribute value: parsers normalise literal tabs and line breaks to spaces. */
export function xmlAttribute(text: string): string {
  return xmlText(text).replaceAll('\n', '&#10;').replaceAll('\t', '&#9;');
}
