import { invalidRequest, unsupported } from './openai-compat-error';

/** A plain object (what JSON.parse gives for `{…}`). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The text of a message's `content`: a string as is, or the text parts of an array joined with
 * "\n". `textTypes` maps each accepted part type to the key holding its text (`text: 'text'`,
 * `refusal: 'refusal'`); any other part (images, audio, files) is a 400 naming it, `at[j]`.
 */
export function textContent(content: unknown[], at: string, textTypes: Readonly<Record<string, string>>): string {
  let text = '';
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    const where = `${at}[${j}]`;
    const type = isObject(part) ? part.type : undefined;
    const key = typeof type === 'string' && Object.hasOwn(textTypes, type) ? textTypes[type]! : undefined;
    if (key === undefined) {
      throw unsupported(`Content parts of type ${JSON.stringify(type ?? null)} are not supported in '${where}': agents take text only `
        + `(parts of type ${Object.keys(textTypes).map((t) => JSON.stringify(t)).join(' or ')}).`, where);
    }
    const value = (part as Record<string, unknown>)[key];
    if (typeof value !== 'string') throw invalidRequest(`Invalid type for '${where}.${key}': expected a string.`, `${where}.${key}`, 'invalid_type');
    text = j === 0 ? value : `${text}\n${value}`;
  }
  return text;
}
