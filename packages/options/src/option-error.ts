/**
 * A bad option given to a factory. It is a `TypeError` (the caller passed the wrong thing) with a
 * stable `code` such as `ERR_BROKER_INVALID_OPTION`, and a message prefixed with the package name.
 */
export class OptionError extends TypeError {
  readonly code: string;
  readonly option: string;

  constructor(pkg: string, code: string, option: string, message: string) {
    super(`[@agentway/${pkg}] ${message}`);
    this.name = 'TypeError';
    this.code = code;
    this.option = option;
  }
}
