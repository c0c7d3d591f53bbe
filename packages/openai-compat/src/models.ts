import type { RequestHandler } from 'express';
import { sendJson } from './send-json';
import { sendError } from './error-envelope';
import { principalOf, type ModelCatalog } from './model-catalog';

/** `GET /models`: `{"object":"list","data":[…]}`, the agents the caller may use. */
export function listModels(catalog: ModelCatalog): RequestHandler {
  return function listModelsHandler(req, res) {
    sendJson(res, { object: 'list', data: catalog.list(principalOf(req)) });
  };
}

/** `GET /models/:model`: one model object, or 404 `model_not_found`. */
export function retrieveModel(catalog: ModelCatalog): RequestHandler {
  return function retrieveModelHandler(req, res) {
    const principal = principalOf(req);
    const model = String(req.params.model);
    const object = catalog.get(model, principal);
    if (object) sendJson(res, object);
    else sendError(res, catalog.notFound(model, principal));
  };
}
