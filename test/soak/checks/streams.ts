import { randomUUID } from 'node:crypto';
import { readSse } from '@agentway/sse';
import { fetch, type Agent } from 'undici';

export type StreamProtocol = 'openai' | 'agui' | 'a2a';
export const PROTOCOLS: readonly StreamProtocol[] = ['openai', 'agui', 'a2a'];

/** How one stream went: its text pieces, and how it ended. */
export interface StreamOutcome {
  readonly protocol: StreamProtocol;
  readonly pieces: number;
  /** `completed` (the protocol's success end), `failed` (its error end, with `code`), `cut` (no end: the connection dropped), `refused` (not 200). */
  readonly end: 'completed' | 'failed' | 'cut' | 'refused';
  readonly code?: string;
  readonly status: number;
}

export interface StreamOptions {
  /** Called once the first text piece arrived. */
  onFirstPiece?: () => void;
  /** Aborting it leaves the stream (a client that vanishes). */
  signal?: AbortSignal;
}

/** The request that starts a ticker run of `ticks` pieces, one every `ms`, streamed in `protocol`. */
function streamRequest(base: string, protocol: StreamProtocol, ticks: number, ms: number): { url: string; headers: Record<string, string>; body: string } {
  const text = `${ticks}:${ms}`;
  switch (protocol) {
    case 'openai':
      return { url: `${base}/v1/chat/completions`, headers: {}, body: JSON.stringify({ model: 'ticker', stream: true, messages: [{ role: 'user', content: text }] }) };
    case 'agui':
      return {
        url: `${base}/agui/runs/ticker`,
        headers: { accept: 'text/event-stream' },
        body: JSON.stringify({ threadId: 'soak', runId: `soak-${randomUUID()}`, messages: [{ id: 'm', role: 'user', content: text }], tools: [], context: [], state: {}, forwardedProps: {} }),
      };
    case 'a2a':
      return {
        url: `${base}/a2a/ticker/`,
        headers: { accept: 'text/event-stream', 'a2a-version': '1.0' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendStreamingMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text }] } } }),
      };
  }
}

/** What one SSE event of `protocol` means: a text piece, the success end, the error end (with a code), or nothing to count. */
function classify(protocol: StreamProtocol, event: string, data: string): { piece?: true; end?: 'completed' | 'failed'; code?: string } {
  if (protocol === 'openai') {
    if (data === '[DONE]') return { end: 'completed' };
    const chunk = JSON.parse(data) as { error?: { code?: string }; choices?: { delta?: { content?: string } }[] };
    if (chunk.error) return { end: 'failed', code: chunk.error.code ?? 'unknown' };
    return chunk.choices?.[0]?.delta?.content ? { piece: true } : {};
  }
  if (protocol === 'agui') {
    const e = JSON.parse(data) as { type: string; code?: string };
    if (e.type === 'TEXT_MESSAGE_CONTENT') return { piece: true };
    if (e.type === 'RUN_FINISHED') return { end: 'completed' };
    if (e.type === 'RUN_ERROR') return { end: 'failed', code: e.code ?? 'unknown' };
    return {};
  }
  const frame = JSON.parse(data) as {
    error?: { code: number; data?: { reason?: string }[] };
    result?: { artifactUpdate?: { artifact: { parts: { text?: string }[] } }; statusUpdate?: { status: { state: string } } };
  };
  if (event === 'error' || frame.error) return { end: 'failed', code: frame.error?.data?.[0]?.reason ?? String(frame.error?.code) };
  if (frame.result?.artifactUpdate?.artifact.parts[0]?.text) return { piece: true }; // the last chunk is empty
  const state = frame.result?.statusUpdate?.status.state;
  if (state === 'TASK_STATE_COMPLETED') return { end: 'completed' };
  if (state === 'TASK_STATE_FAILED' || state === 'TASK_STATE_CANCELED') return { end: 'failed', code: state };
  return {};
}

/** Starts a ticker run streamed in `protocol` and reads it to its end (or until `signal` aborts). */
export async function runStream(dispatcher: Agent, base: string, protocol: StreamProtocol, ticks: number, ms: number, options: StreamOptions = {}): Promise<StreamOutcome> {
  const { url, headers, body } = streamRequest(base, protocol, ticks, ms);
  let pieces = 0;
  let status = 0;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, dispatcher, signal: options.signal });
    status = res.status;
    if (status !== 200 || !res.body) {
      await res.body?.cancel();
      return { protocol, pieces, end: 'refused', status };
    }
    for await (const { event, data } of readSse(res.body as ReadableStream<Uint8Array>, { signal: options.signal })) {
      const meaning = classify(protocol, event, data);
      if (meaning.piece && ++pieces === 1) options.onFirstPiece?.();
      if (meaning.end) return { protocol, pieces, end: meaning.end, status, ...(meaning.code !== undefined && { code: meaning.code }) };
    }
    return { protocol, pieces, end: 'cut', status };
  } catch {
    return { protocol, pieces, end: 'cut', status };
  }
}
