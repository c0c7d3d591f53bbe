import { malformedBody } from './scheme';
import { WebhooksError } from './webhooks-error';

/** A verified body, parsed by its content type. */
export type ParsedBody =
  | { readonly form: false; readonly value: unknown }
  | { readonly form: true; readonly fields: Record<string, string> };

/**
 * Parses a verified body: JSON (`application/json`, `*+json`, or no content type) or a form
 * (`application/x-www-form-urlencoded`: Slack slash commands and interactivity, GitHub's form
 * hooks). Anything else is a 415; a body that does not parse is a 400.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  const type = mediaType(contentType);
  if (type === '' || type === 'application/json' || type.endsWith('+json')) {
    try {
      return { form: false, value: JSON.parse(raw.toString('utf8')) };
    } catch {
      throw malformedBody('the body is not valid JSON');
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    const fields: Record<string, string> = Object.create(null);
    for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) fields[name] = value;
    return { form: true, fields };
  }
  throw new WebhooksError('ERR_WEBHOOKS_UNSUPPORTED_MEDIA_TYPE', 415,
    `content type ${JSON.stringify(type)} is not supported; send application/json or application/x-www-form-urlencoded`);
}

/** The form field `name` parsed as JSON (GitHub's and Slack's `payload=`), or a 400. */
export function jsonField(fields: Record<string, string>, name: string): unknown {
  const text = fields[name];
  if (text === undefined) throw malformedBody(`the form body has no "${name}" field`);
  try {
    return JSON.parse(text);
  } catch {
    throw malformedBody(`the form field "${name}" is not valid JSON`);
  }
}

function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}
