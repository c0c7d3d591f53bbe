import type { RequestHandler } from 'express';
import { Passport } from 'passport';
import { authError } from './auth-error';
import type { BearerStrategy } from './bearer-strategy';
import type { Principal } from './principal';

/**
 * An Express middleware that runs one strategy through a private passport instance (the host
 * app's passport setup is left alone): sets `req.user` to the principal, or passes a 401 to
 * `next()` that says whether the credential was missing or wrong.
 */
export function authenticate(strategy: BearerStrategy, middlewareName: string): RequestHandler {
  const passport = new Passport();
  passport.use(strategy.name, strategy);
  const handler: RequestHandler = (req, res, next) => {
    passport.authenticate(strategy.name, { session: false }, (err: unknown, user: Principal | false, challenge: unknown) => {
      if (err) return next(err);
      if (!user) {
        res.setHeader('WWW-Authenticate', `Bearer realm="agentway"${challenge === 'invalid' ? ', error="invalid_token"' : ''}`);
        return next(challenge === 'invalid'
          ? authError('ERR_AUTH_INVALID_CREDENTIALS', 'the credential is not valid')
          : authError('ERR_AUTH_MISSING_CREDENTIALS', 'a credential is required: send "Authorization: Bearer <key>"'));
      }
      req.user = user as Express.User;
      next();
    })(req, res, next);
  };
  Object.defineProperty(handler, 'name', { value: middlewareName });
  return handler;
}
