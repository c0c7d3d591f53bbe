import { A2AClientError } from './a2a-client-error';
import type { AgentCard } from './a2a-types';
import { cardFromAny } from './legacy-results';
import { isLegacyVersion, normalizeVersion, type ProtocolVersion } from './protocol-version';
import { RpcTransport, type TransportContext } from './rpc-transport';

/** An agent as found: its card (1.0 shape), where it was found, and the transport picked. */
export interface ResolvedAgent {
  readonly card: AgentCard;
  readonly cardUrl: string;
  readonly transport: RpcTransport;
}

/**
 * Fetches an agent's card. Given a base URL, the card is at `.well-known/agent-card.json` under
 * it — the base always ends with `/`, so the SDKs' relative-path pitfall (a base without the
 * slash resolves to its parent) cannot happen — falling back to the older `agent.json` on a 404.
 * Given a URL ending in `.json`, that is the card. Sends `A2A-Version: 1.0`.
 */
export async function fetchCard(context: TransportContext, location: { base?: string; cardUrl?: string }, signal?: AbortSignal): Promise<{ card: AgentCard; cardUrl: string }> {
  const candidates = location.cardUrl !== undefined
    ? [location.cardUrl]
    : ['.well-known/agent-card.json', '.well-known/agent.json'].map((path) => new URL(path, location.base).href);
  for (const [i, url] of candidates.entries()) {
    let res: Response;
    try {
      res = await context.fetch(url, { headers: { ...(await context.headers(url)), Accept: 'application/json', 'A2A-Version': '1.0' }, signal });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError' || signal?.aborted) throw err;
      throw new A2AClientError('ERR_A2A_UNREACHABLE', `cannot fetch the agent card at ${url}: ${(err as Error)?.message}`, { cause: err });
    }
    if (res.status === 404 && i + 1 < candidates.length) {
      await res.body?.cancel();
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new A2AClientError('ERR_A2A_CARD_NOT_FOUND', `no agent card at ${url} (HTTP ${res.status})`, { status: res.status });
    }
    let raw: unknown;
    try {
      raw = await res.json();
    } catch (err) {
      throw new A2AClientError('ERR_A2A_INVALID_CARD', `the agent card at ${url} is not JSON`, { cause: err });
    }
    if (typeof raw !== 'object' || raw === null || typeof (raw as AgentCard).name !== 'string') {
      throw new A2AClientError('ERR_A2A_INVALID_CARD', `the document at ${url} is not an agent card (no "name")`);
    }
    return { card: cardFromAny(raw as Record<string, unknown>), cardUrl: url };
  }
  throw new A2AClientError('ERR_A2A_CARD_NOT_FOUND', `no agent card under ${location.base}`);
}

/** The card's first JSON-RPC interface in a version the client speaks, preferred version first. */
export function pickTransport(card: AgentCard, cardUrl: string, versions: readonly ProtocolVersion[], context: TransportContext): RpcTransport {
  const interfaces = Array.isArray(card.supportedInterfaces) ? card.supportedInterfaces : [];
  const versionOf = (v: unknown) => (typeof v !== 'string' || v === '' || isLegacyVersion(v) ? '0.3' : normalizeVersion(v));
  for (const version of versions) {
    const chosen = interfaces.find((i) => typeof i?.url === 'string' && i.protocolBinding?.toUpperCase() === 'JSONRPC' && versionOf(i.protocolVersion) === version);
    if (chosen) return new RpcTransport(new URL(chosen.url, cardUrl).href, version, context);
  }
  const offered = interfaces.map((i) => `${i?.protocolBinding} ${i?.protocolVersion}`).join(', ') || 'no interfaces';
  throw new A2AClientError('ERR_A2A_NO_TRANSPORT', `agent "${card.name}" offers ${offered}; A2AClient speaks JSONRPC ${versions.join(' and ')}`);
}
