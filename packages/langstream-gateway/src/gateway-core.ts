import type { Broker } from '@agentway/broker';
import type { Runtime } from '@agentway/agents';
import type { Applications } from './applications';
import type { HttpBody } from './http-body';
import type { PushFrames } from './push-message';

/** What the HTTP handlers share. */
export interface GatewayCore {
  readonly apps: Applications;
  readonly broker: Broker;
  readonly frames: PushFrames;
  readonly body: HttpBody;
  readonly runtime: Runtime | undefined;
  readonly serviceTimeout: number;
  /** Set by `close()`: new HTTP calls are answered 503. */
  readonly state: { closing: boolean };
}
