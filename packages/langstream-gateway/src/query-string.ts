import { RequestError } from './langstream-error';

/**
 * Parses a raw query string as LangStream does: split on `&`, then on the first `=`, URL-decode
 * name and value (`+` is a space), skip empty names, a missing `=` gives `""`. Duplicates: the last
 * wins on WebSocket handshakes (LangStream's own parser), the first over HTTP (the Servlet API).
 */
export function parseQueryString(query: string, duplicates: 'first' | 'last'): Map<string, string> {
  const map = new Map<string, string>();
  if (query.trim() === '') return map;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    if (name === '') continue;
    if (duplicates === 'first' && map.has(name)) continue;
    map.set(name, eq === -1 ? '' : decode(part.slice(eq + 1)));
  }
  return map;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new RequestError('invalid', `URLDecoder: Illegal hex characters in escape (%) pattern: ${text}`);
  }
}

/** The query part of a request URL (without `?`). */
export function rawQuery(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1;
  return at === -1 ? '' : url!.slice(at + 1);
}
