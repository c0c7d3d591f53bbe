import type { StreamResponse, TaskStatusUpdateEvent } from './a2a-types';
import { streamResponseToLegacy } from './legacy-wire';
import type { RpcError } from './rpc-error';
import { ARTIFACT_NAME, type ProjectionSink } from './task-projection';

/**
 * Turns a task's stream updates into SSE frames of JSON-RPC responses, in the request's wire
 * version: `data: {"jsonrpc":"2.0","id":…,"result":…}`. The fixed part of an artifact chunk's
 * frame is built once per artifact, so a streamed token costs one `JSON.stringify` of its text.
 */
export class FrameEncoder implements ProjectionSink {
  private readonly head: string;
  private readonly legacy: boolean;
  private chunkArtifact: string | undefined;
  private chunkHead = '';

  constructor(
    version: string,
    private readonly rpcId: string | number | null,
    private readonly taskId: string,
    private readonly contextId: string,
    private readonly write: (frame: string) => void,
  ) {
    this.legacy = version.startsWith('0.');
    this.head = `data: {"jsonrpc":"2.0","id":${JSON.stringify(rpcId)},"result":`;
  }

  response(result: StreamResponse): void {
    this.write(`${this.head}${JSON.stringify(this.legacy ? streamResponseToLegacy(result) : result)}}\n\n`);
  }

  status(update: TaskStatusUpdateEvent): void {
    this.response({ statusUpdate: update });
  }

  chunk(artifactId: string, text: string, append: boolean, lastChunk: boolean): void {
    if (artifactId !== this.chunkArtifact) {
      this.chunkArtifact = artifactId;
      const ids = `"taskId":${JSON.stringify(this.taskId)},"contextId":${JSON.stringify(this.contextId)}`;
      const artifact = `"artifact":{"artifactId":${JSON.stringify(artifactId)},"name":"${ARTIFACT_NAME}","parts":[{`;
      this.chunkHead = this.legacy
        ? `${this.head}{"kind":"artifact-update",${ids},${artifact}"kind":"text","text":`
        : `${this.head}{"artifactUpdate":{${ids},${artifact}"text":`;
    }
    const tail = `}]},"append":${append},"lastChunk":${lastChunk}}`;
    this.write(`${this.chunkHead}${JSON.stringify(text)}${tail}${this.legacy ? '' : '}'}}\n\n`);
  }

  /** An error after the stream started: `event: error` with a JSON-RPC error response. */
  error(error: RpcError): void {
    const version = this.legacy ? '0.3' : '1.0';
    this.write(`event: error\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: this.rpcId, error: error.toJSON(version) })}\n\n`);
  }
}
