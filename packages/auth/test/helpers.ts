import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ExpressModule } from '@agentway/test-harness';

/** An app whose one route answers with `req.user`, and whose error handler shows status and code. */
export function protectedApp(express: ExpressModule, auth: RequestHandler) {
  const app = express();
  app.get('/me', auth, (req, res) => {
    res.json(req.user);
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    res.status(err.status ?? 500).json({ code: err.code, type: err.type, message: err.message });
  };
  app.use(onError);
  return app;
}
