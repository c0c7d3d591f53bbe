import { openaiCompat } from '@agentway/openai-compat';
import { anyOf, boolean, duration, number, object, satisfies, string } from '@agentway/options';
import type { Feature } from '../feature';

/** The `openaiCompat` section of the gateway config: `openaiCompat()`'s options, less the runtime and auth the gateway gives it. */
export interface OpenAICompatSection {
  basePath?: string;
  limit?: number | string;
  maxConcurrentRuns?: number;
  maxConcurrentRunsPerPrincipal?: number;
  retryAfter?: number;
  heartbeat?: number;
  keepFinishedRuns?: boolean;
}

/**
 * The OpenAI-compatible API (`@agentway/openai-compat`): chat completions, responses and models
 * under `/v1` (or `basePath`), on the gateway's runtime — its agents are the models — and auth.
 */
export const openaiCompatFeature: Feature<OpenAICompatSection> = {
  name: 'openaiCompat',
  config: object({
    basePath: satisfies<string>('a literal path such as "/v1"', (v) => typeof v === 'string' && /^(\/[A-Za-z0-9._~-]+)+$/.test(v)),
    limit: anyOf<[number, string]>('a number of bytes or a size such as "4mb"', number({ min: 1, integer: true }), string({ nonEmpty: true })),
    maxConcurrentRuns: number({ min: 1, integer: true }),
    maxConcurrentRunsPerPrincipal: number({ min: 1, integer: true }),
    retryAfter: number({ min: 0, integer: true }),
    heartbeat: duration(0),
    keepFinishedRuns: boolean(),
  }),
  mount(context, section = {}) {
    const router = openaiCompat({ ...section, runtime: context.runtime, logger: context.logger, ...(context.auth && { auth: context.auth }) });
    const base = section.basePath ?? '/v1';
    return {
      endpoints: [`POST ${base}/chat/completions`, `POST ${base}/responses`, `GET ${base}/models`, `GET ${base}/models/:model`],
      router,
      close: () => router.close(),
      answerError(err, req, res) {
        if (req.path !== base && !req.path.startsWith(`${base}/`)) return false;
        // OpenAI's own 500: the SDKs retry it unless the run had started (then x-should-retry: false is set already).
        const code = (err as { code?: unknown } | null)?.code;
        res.status(500).json({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: typeof code === 'string' ? code : null } });
        return true;
      },
    };
  },
};
