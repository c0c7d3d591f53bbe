import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { GatewayCore } from './gateway-core';
import { answerError } from './http-answer';
import { problemDetail } from './problem-detail';
import { HttpBody } from './http-body';
import { recordHeaders } from './headers';
import { OK_RESPONSE } from './produce-request';
import { Producer } from './producer';
import { clientGone, validateHttp } from './http-request';
import { serveService } from './service-gateway';
import { pathOf } from './ws-route';

const SERVICE_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/**
 * LangStream's HTTP API: `POST /api/gateways/produce/<tenant>/<application>/<gateway>` and
 * `GET|POST|PUT|DELETE /api/gateways/service/<tenant>/<application>/<gateway>[/<path>]`.
 */
export function httpRouter(core: GatewayCore): Router {
  const router = express.Router();
  router.post('/api/gateways/produce/:tenant/:application/:gateway', function langstreamProduce(req, res, next) {
    if (core.state.closing) return shuttingDown(req, res);
    produce(core, req, res).catch((err: unknown) => fail(res, err, req, next));
  });
  router.use('/api/gateways/service/:tenant/:application/:gateway', function langstreamService(req, res, next) {
    if (!SERVICE_METHODS.has(req.method)) return next();
    if (core.state.closing) return shuttingDown(req, res);
    serveService(core, req, res).catch((err: unknown) => fail(res, err, req, next));
  });
  return router;
}

/** A call that comes while the gateway closes: 503 with a ProblemDetail, `Retry-After: 1`. */
function shuttingDown(req: Request, res: Response): void {
  res.status(503).set('Retry-After', '1').type('application/problem+json')
    .send(problemDetail(503, 'the gateway is shutting down', pathOf(req.originalUrl)));
}

async function produce(core: GatewayCore, req: Request, res: Response): Promise<void> {
  const { context, principal } = await validateHttp(core, req, 'produce', clientGone(res));
  const { gateway, app, parameters } = context;
  const producer = new Producer(core.broker, app.topic(gateway.topic!), recordHeaders(gateway.produceOptions?.headers, parameters, principal));
  const body = await core.body.read(req, res);
  await producer.produce(HttpBody.produceRequest(req.headers['content-type'], body));
  res.status(200).type('application/json').send(OK_RESPONSE);
}

function fail(res: Response, err: unknown, req: Request, next: NextFunction): void {
  if (!answerError(res, err, pathOf(req.originalUrl))) next(err);
}
