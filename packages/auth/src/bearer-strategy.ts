import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import { bearerToken } from './bearer-token';
import type { Principal } from './principal';

/**
 * A passport strategy for bearer credentials: takes the token from `Authorization: Bearer` (or the
 * query parameter, where allowed) and asks `verify` for the principal. `ApiKeyStrategy` and
 * `JwtStrategy` are this with their own `verify`; both work in a host app's own passport setup.
 */
export abstract class BearerStrategy extends Strategy {
  /** The passport strategy name. */
  abstract readonly name: string;

  constructor(private readonly queryParam: string | false) {
    super();
  }

  /** The principal the token stands for, or `undefined` when it is not valid. */
  protected abstract verify(token: string): Promise<Principal | undefined>;

  override authenticate(req: Request): void {
    const token = bearerToken(req, this.queryParam);
    if (token === undefined) {
      this.fail('missing', 401);
      return;
    }
    this.verify(token).then(
      (principal) => (principal ? this.success(principal) : this.fail('invalid', 401)),
      (err: unknown) => this.error(err as Error),
    );
  }
}
