/**
 * `hookgate/msw`: test a JavaScript receiver in-process. `providerApiHandlers` answers its
 * fetch-back through msw with the route logic `hookgate check` serves; `signedRequest` builds the
 * deliveries, signed or broken in a named way. msw is an optional peer dependency: only this entry
 * imports it, so the CLI and the main entry never load it.
 */
export { providerApiHandlers } from './provider-api-handlers.js';
export type { ProviderApiHandlers, ProviderApiHandlersOptions } from './provider-api-handlers.js';
export { signedRequest, variantNames } from './signed-request.js';
export type { SignedRequestOptions, SignedWebhook } from './signed-request.js';
export type { SignatureVariantName } from './signature-variants.js';
export type { FetchRecord } from '../mock-provider/rest-api/index.js';
export type { JsonObject } from '../fixtures/index.js';
