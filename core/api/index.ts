/** The API's core side: the call path (CustodianApi), the handler map and footage opening. */
export { CustodianApi, failure, type ApiOptions, type CallMeta, type CallOutcome, type SessionChange } from './api.js';
export { handlers, type CallContext, type HandlerMap } from './handlers.js';
export { openFootageFile, openInside, type FootageKind, type OpenFootage } from './footage.js';
