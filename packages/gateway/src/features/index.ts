import type { Feature } from '../feature';
import { webhooksFeature } from './webhooks';
import { aguiFeature } from './agui';
import { a2aFeature } from './a2a';
import { pollersFeature } from './pollers';
import { langstreamFeature } from './langstream';
import { openaiCompatFeature } from './openai-compat';

/** The features this build of the gateway can mount, in mounting order. */
export const features: readonly Feature<never>[] = [aguiFeature as Feature<never>, webhooksFeature as Feature<never>, a2aFeature as Feature<never>, pollersFeature as Feature<never>, langstreamFeature as Feature<never>, openaiCompatFeature as Feature<never>];
