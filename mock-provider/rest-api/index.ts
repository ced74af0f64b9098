export { createFetchBackApi, segmentsOf } from './fetch-back.js';
export type { FetchBackApi, FetchBackOptions, FetchBackRequest, FetchBackResponse, FetchRecord } from './fetch-back.js';
export { serveFetchBack } from './node-server.js';
export type { FetchBackServer, ServeFetchBackOptions } from './node-server.js';
export { respond } from './respond.js';
export { fetchHandler, basePath } from './fetch-handler.js';
export type { FetchHandlerOptions } from './fetch-handler.js';
