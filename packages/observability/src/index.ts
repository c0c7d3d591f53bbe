export { isLogger, loggerOf, loggerOption, silentLogger } from './logger';
export type { LogFn, Logger } from './logger';
export { CHANNEL_NAMES, channels } from './channels';
export type {
  BrokerLagMessage, RunEndMessage, RunStartMessage, SocketCloseMessage, SocketOpenMessage, StreamCloseMessage, StreamOpenMessage,
  WebhookDeliveryMessage,
} from './channels';
export { observe } from './observe';
export type { Observers } from './observe';
