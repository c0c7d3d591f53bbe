export { describeOnExpress } from './describe-on-express';
export { expressMajor } from './express-major';
export { forEachExpress } from './for-each-express';
export type { ExpressModule } from './for-each-express';
