import type { Server } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Broker } from '@agentway/broker';
import type { Runtime } from '@agentway/agents';
import type { Logger } from '@agentway/observability';
import type { Check } from '@agentway/options';

export const FEATURE_NAMES = ['openaiCompat', 'agui', 'webhooks', 'langstream', 'a2a', 'pollers'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** What a feature is given when the gateway mounts it. */
export interface FeatureContext {
  readonly runtime: Runtime;
  readonly broker: Broker;
  /** The gateway's auth middleware (API keys from config/env), if any. */
  readonly auth: RequestHandler | undefined;
  /** Where relative paths of the config file resolve. */
  readonly baseDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** The gateway's logger for this feature (bound to `{ feature: <name> }`); silent without one. */
  readonly logger: Logger;
  /** ms the feature's `close()` may take (the gateway's `shutdownTimeout`). */
  readonly shutdownTimeout: number;
}

/** A feature once mounted: its routes, and what it needs from the server and at shutdown. */
export interface MountedFeature {
  /** Printed at start, e.g. `POST /v1/chat/completions`. */
  readonly endpoints: readonly string[];
  /** Mounted at the app's root. */
  readonly router?: RequestHandler;
  /** Called with the HTTP server once it exists (WebSocket upgrades). */
  attach?(server: Server): void;
  /**
   * Answers, in the feature's protocol, an error its package passed on to `next(err)` (a broker
   * down before a stream started): true when the request was the feature's and is answered. The
   * packages leave such errors to the host app; the gateway, being the host, answers them so that
   * clients always get their protocol's shape.
   */
  answerError?(err: unknown, req: Request, res: Response): boolean;
  /**
   * Winds the feature up when the gateway closes: refuse new work, end its open streams with their
   * protocol's final event, close its sockets, let in-flight work finish. Bounded by the gateway.
   */
  close?(): Promise<void>;
}

/**
 * One feature package as the gateway mounts it. Each lives in `src/features/<name>.ts` and is
 * listed in `src/features/index.ts`; its config section (same key as its name) is checked by `config`.
 */
export interface Feature<S = unknown> {
  readonly name: FeatureName;
  /** The checks of its config-file section, if it has one. */
  readonly config?: Check<S>;
  mount(context: FeatureContext, section: S | undefined): MountedFeature | Promise<MountedFeature>;
}
