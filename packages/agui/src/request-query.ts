import type { Request } from 'express';
import { AguiError } from './agui-error';
import type { AguiDialect } from './agui-event';

/**
 * The request's query string as sent (the host app may have replaced or disabled Express's query
 * parser, and `req.query` is never touched).
 */
export function rawQuery(req: Request): URLSearchParams {
  const url = req.originalUrl;
  const start = url.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : url.slice(start + 1));
}

/** `?dialect=official|simple`, else the configured default; anything else is a 400. */
export function requestDialect(query: URLSearchParams, fallback: AguiDialect): AguiDialect {
  const asked = query.get('dialect');
  if (asked === null) return fallback;
  if (asked === 'official' || asked === 'simple') return asked;
  throw new AguiError(400, 'ERR_AGUI_INVALID_DIALECT', `dialect must be "official" or "simple", got ${JSON.stringify(asked.slice(0, 40))}`);
}
