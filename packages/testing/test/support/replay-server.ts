import { listen, type Listening } from '@agentway/testing';

/** A server that answers every request with the same captured event stream, byte for byte. */
export interface ReplayServer {
  readonly url: string;
  /** What every request is answered with from now on. */
  body: string;
  /** The requests it answered (method and path). */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Replays captured streams to the official clients, so that they read the very bytes a reader read. */
export async function replayServer(): Promise<ReplayServer> {
  const requests: string[] = [];
  const state = { body: '' };
  const server: Listening = await listen((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.end(state.body);
    });
  });
  return {
    url: server.url,
    get body() { return state.body; },
    set body(text: string) { state.body = text; },
    requests,
    close: () => server.close(),
  };
}
