import type { GatewayType } from './manifest';

/** The tenant, application and gateway a WebSocket path names. */
export interface WsRoute {
  readonly type: Exclude<GatewayType, 'service'>;
  readonly tenant: string;
  readonly application: string;
  readonly gatewayId: string;
  /** The path had no `/v1` (the form LangStream's docs show). */
  readonly documented: boolean;
}

const ROUTE = /^\/(v1\/)?(produce|consume|chat)\/([^/]+)\/([^/]+)\/([^/]+)$/;

/**
 * Matches `/v1/{produce|consume|chat}/<tenant>/<application>/<gateway>` (LangStream's routes) and
 * the same without `/v1` (the form its docs show). Segments are URL-decoded.
 */
export function matchWsRoute(pathname: string): WsRoute | undefined {
  const match = ROUTE.exec(pathname);
  if (!match) return undefined;
  try {
    return {
      type: match[2] as WsRoute['type'],
      tenant: decodeURIComponent(match[3]!),
      application: decodeURIComponent(match[4]!),
      gatewayId: decodeURIComponent(match[5]!),
      documented: match[1] === undefined,
    };
  } catch {
    return undefined;
  }
}

/** The path of a request URL, without the query string. */
export function pathOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
}
