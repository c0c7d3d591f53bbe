import { aguiStream } from '@agentway/agui';
import { anyOf, duration, number, object, oneOf, string } from '@agentway/options';
import type { Feature } from '../feature';

/** The `agui` section of the gateway config: `aguiStream()`'s options, less the runtime and auth the gateway gives it. */
export interface AguiSection {
  dialect?: 'official' | 'simple';
  heartbeat?: number;
  retry?: number;
  limit?: number | string;
}

/** AG-UI over SSE (`@agentway/agui`): `POST /agui/runs[/:agent]` and `GET /agui/ws`, on the gateway's runtime and auth. */
export const aguiFeature: Feature<AguiSection> = {
  name: 'agui',
  config: object({
    dialect: oneOf('official', 'simple'),
    heartbeat: duration(0),
    retry: number({ min: 0, integer: true }),
    limit: anyOf<[number, string]>('a number of bytes or a size such as "1mb"', number({ min: 1 }), string({ nonEmpty: true })),
  }),
  mount(context, section = {}) {
    const router = aguiStream({ ...section, runtime: context.runtime, logger: context.logger, ...(context.auth && { auth: context.auth }) });
    return { endpoints: ['POST /agui/runs', 'POST /agui/runs/:agent', 'GET /agui/ws'], router, close: () => router.close() };
  },
};
