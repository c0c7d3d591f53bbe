import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { RequestError } from './langstream-error';
import { statusText } from './problem-detail';
import { parseProduceRequest, type ProduceRequest } from './produce-request';

type Parser = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Reads a request body as text with the package's own parser and limit (never the host app's),
 * and turns it into a produce request the way LangStream's HTTP API does.
 */
export class HttpBody {
  private readonly parser: Parser;

  constructor(limit: number | string) {
    this.parser = express.text({ type: () => true, limit, defaultCharset: 'utf-8' }) as unknown as Parser;
  }

  /** The body as text; a body the host app already parsed is used as it is (JSON re-serialised). */
  read(req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<string> {
    const already = (req as { _body?: boolean })._body === true || req.readableEnded;
    if (already) return Promise.resolve(asText(req.body));
    return new Promise((resolve, reject) => {
      this.parser(req, res, (err) => (err ? reject(err) : resolve(asText(req.body))));
    });
  }

  /**
   * LangStream's rule: no `Content-Type` or `text/plain` → the whole body is the value;
   * `application/json` → a produce request `{key, value, headers}`; anything else → 400
   * "Unsupported content type". Unlike LangStream, parameters (`; charset=utf-8`) are allowed.
   */
  static produceRequest(contentType: string | undefined, body: string): ProduceRequest {
    const type = contentType?.split(';')[0]!.trim().toLowerCase();
    if (type === undefined || type === '' || type === 'text/plain') return { value: body };
    if (type === 'application/json') return parseProduceRequest(body);
    throw new RequestError('invalid', statusText(400, `Unsupported content type: ${contentType}`));
  }
}

function asText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (body === undefined || body === null) return '';
  if (typeof body === 'object' && Object.keys(body).length === 0) return '';
  return JSON.stringify(body);
}
