import type { RequestHandler } from 'express';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { acceptDelivery, type AcceptContext } from './accept-delivery';
import { DeliveryClaims } from './delivery-claims';
import { errorText } from './delivery-record';
import { HandlerRegistry, type WebhookHandler } from './handler-registry';
import { reportDelivery, reportRefusal, type DeliveryOutcome } from './delivery-report';
import { loggerOf } from '@agentway/observability';
import { answerError } from './receive-delivery';
import { resolveRouterOptions, type RouterConfig, type WebhookRouterOptions } from './router-options';
import { sourceMatcher } from './source-matcher';
import { WebhookConsumer } from './webhook-consumer';
import { WebhooksError } from './webhooks-error';

/**
 * Signed webhooks from several sources, verified, de-duplicated, published on broker topics and
 * dispatched by event type to handlers — the Express counterpart of a FastAPI webhook router.
 *
 * ```ts
 * const webhooks = new WebhookRouter({ broker, sources: [{ scheme: 'stripe', secret: process.env.STRIPE_WEBHOOK_SECRET }] });
 * webhooks.on('stripe.payment_intent.succeeded', async (event) => {
 *   await runtime.start({ agent: 'fulfilment', input: { messages: [{ role: 'user', content: `Paid: ${event.payload.data.object.id}` }] } });
 * });
 * app.use('/webhooks', webhooks.router()); // POST /webhooks/stripe
 * ```
 */
export class WebhookRouter {
  private readonly config: RouterConfig;
  private readonly broker: Broker;
  private readonly ownsBroker: boolean;
  private readonly registry = new HandlerRegistry();
  private readonly controller = new AbortController();
  /** Aborted when `close()` begins: deliveries are refused, consumers take nothing more. */
  private readonly draining = new AbortController();
  /** Deliveries being received (verified, claimed, published) right now, and who waits for there to be none. */
  private receiving = 0;
  private onIdle: (() => void) | undefined;
  private readonly context: AcceptContext;
  private consumers: WebhookConsumer[] | undefined;
  private starting: Promise<void> | undefined;
  private built: RequestHandler | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: Readonly<WebhookRouterOptions>) {
    this.config = resolveRouterOptions(options);
    this.ownsBroker = this.config.broker === undefined;
    this.broker = this.config.broker ?? createMemoryBroker();
    const store = this.config.idempotency ?? this.broker;
    this.context = {
      config: this.config,
      broker: this.broker,
      claims: store === false ? undefined : new DeliveryClaims(store),
      registry: this.registry,
      signal: this.controller.signal,
    };
  }

  /** Runs `handler` for every delivery whose name matches: `stripe.invoice.paid`, `stripe.*`, `*`. */
  on<P = any>(eventType: string, handler: WebhookHandler<P>): this {
    this.registry.add(eventType, handler);
    return this;
  }

  /**
   * The middleware to mount (`app.use('/webhooks', webhooks.router())`): a `POST` route per source,
   * anything else passed on. Starts the handlers' consumers (unless `consume: false`).
   */
  router(): RequestHandler {
    this.assertOpen();
    if (this.built === undefined) {
      const context = this.context;
      const match = sourceMatcher(this.config.sources);
      const { logger } = this.config;
      const draining = this.draining.signal;
      const self = this; // the middleware counts the deliveries it receives on the router
      const received = () => {
        if (--self.receiving === 0) self.onIdle?.();
      };
      this.built = function webhookRouterMiddleware(req, res, next) {
        const source = req.method === 'POST' ? match(req.path) : undefined;
        if (source === undefined) {
          next();
          return;
        }
        if (draining.aborted) {
          const refused = new WebhooksError('ERR_WEBHOOKS_SHUTTING_DOWN', 503, 'the server is shutting down; retry later', { expose: true });
          reportRefusal(source, refused, loggerOf(req, logger));
          answerError(refused, source, res, next);
          return;
        }
        self.receiving++;
        acceptDelivery(context, source, req, res).then((outcome: DeliveryOutcome) => {
          received();
          reportDelivery(source, outcome, 200);
        }, (err: unknown) => {
          received();
          reportRefusal(source, err, loggerOf(req, logger));
          answerError(err, source, res, next);
        });
      };
      if (this.config.consume) {
        this.start().catch((err) => this.report(new WebhooksError('ERR_WEBHOOKS_CONSUMER_FAILED', 500,
          `the handlers' consumers did not start: ${errorText(err)}`, { cause: err }), undefined));
      }
    }
    return this.built;
  }

  /** Starts the consumers that run the handlers (a worker that serves no HTTP calls only this). Idempotent. */
  start(): Promise<void> {
    this.assertOpen();
    this.starting ??= (async () => {
      const topics = [...new Set(this.config.sources.map((s) => s.topic))];
      if (this.config.retention) await Promise.all(topics.map((t) => this.broker.setRetention(t, this.config.retention!)));
      if (this.closing) return;
      const deadLetters = new Map(this.config.sources.map((s) => [s.name, s.deadLetterTopic]));
      this.consumers = topics.map((topic) => new WebhookConsumer({
        broker: this.broker,
        topic,
        group: this.config.group,
        concurrency: this.config.concurrency,
        ackTimeout: this.config.ackTimeout,
        retry: this.config.retry,
        registry: this.registry,
        deadLetterTopic: (event) => (event && deadLetters.get(event.source)) ?? `${topic}.dead-letter`,
        report: (error, event) => this.report(error, event),
        draining: this.draining.signal,
        signal: this.controller.signal,
      }));
    })();
    return this.starting;
  }

  /**
   * Winds the router up: new deliveries are refused (503 `ERR_WEBHOOKS_SHUTTING_DOWN`, which
   * providers retry), the consumers take no more records; deliveries being received and handlers
   * running get up to `shutdownTimeout` ms to finish, then the handlers' signal aborts (their
   * deliveries go back to the group). Then the consumers leave and its own broker is closed.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.draining.abort();
      await this.starting?.catch(() => undefined);
      await this.finishWithin(this.config.shutdownTimeout);
      this.controller.abort();
      await Promise.all((this.consumers ?? []).map((c) => c.close()));
      if (this.ownsBroker) await this.broker.close();
    })();
    return this.closing;
  }

  /** Waits for the deliveries being received and the running handlers, at most `ms`. */
  private async finishWithin(ms: number): Promise<void> {
    if (ms === 0) return;
    const received = this.receiving === 0 ? undefined : new Promise<void>((resolve) => { this.onIdle = resolve; });
    const work = Promise.all([received, ...(this.consumers ?? []).map((c) => c.idle())]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref(); // a bound, not a reason to stay alive
    });
    await Promise.race([work, timeout]);
    clearTimeout(timer);
    this.onIdle = undefined;
  }

  private report(error: WebhooksError, event: Parameters<RouterConfig['onError']>[1]): void {
    try {
      this.config.onError(error, event);
    } catch {
      // A throwing listener must not stop the consumers.
    }
  }

  private assertOpen(): void {
    if (this.closing) throw new WebhooksError('ERR_WEBHOOKS_CLOSED', 500, 'the WebhookRouter is closed', { expose: false });
  }
}
