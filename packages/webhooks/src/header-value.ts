/** Request headers as Node gives them (lower-case names), or as a caller of `webhookVerifier()` passes them. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * One header's value: looked up by its lower-case name (Node's `req.headers`), then case-insensitively
 * (headers a caller built by hand). An array (a repeated header) is joined with `, ` as Node joins
 * repeated custom headers.
 */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key in headers) {
      if (key.length === name.length && key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}
