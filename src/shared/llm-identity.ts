/**
 * How an analysis names the language model that wrote a description: by its id (model
 * type, folder, weight format: where it was) and by its content fingerprint (what it was),
 * so two models in folders of the same name, or a folder whose files were replaced, are
 * told apart. Analyses stored before the fingerprint was recorded name the id only.
 */

/** Hex digits of a model's content fingerprint (64 bits). */
export const LLM_CONTENT_ID_LENGTH = 16;

/** The `version` of the language model's entry in an analysis' models list. */
export function llmModelVersion(content: string | null | undefined): string {
  return content ? `llm ${content}` : 'llm';
}

export function isLlmModelVersion(version: string): boolean {
  return version === 'llm' || version.startsWith('llm ');
}

/** The model as a person reads it: its id, and its content fingerprint when one was recorded. */
export function llmModelLabel(id: string, content: string | null | undefined): string {
  return content ? `${id} (content ${content})` : id;
}
