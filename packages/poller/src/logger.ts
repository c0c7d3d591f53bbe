export { isLogger, silentLogger, type Logger } from '@agentway/observability';

/** A short, one-line description of a thrown value, for logs and status pages (never a stack). */
export function describeError(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { code, message: error.message } : { message: error.message };
  }
  return { message: String(error) };
}
