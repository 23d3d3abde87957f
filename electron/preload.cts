/**
 * The preload of the Custodian window (sandboxed, so CommonJS and `electron` only). It exposes
 * exactly the typed API and nothing else: `call(operation, request)` and `subscribe(listener)`.
 * No ipcRenderer, no Node, no way to name a channel outside the app's prefix; the main process
 * checks the sender and parses every request against the contract.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');

const PREFIX = 'custodian:';
const OPERATION_RE = /^[a-z]+(?:\.[a-zA-Z]+)?$/;

electron.contextBridge.exposeInMainWorld('custodian', {
  call(operation: unknown, request: unknown): Promise<unknown> {
    if (typeof operation !== 'string' || !OPERATION_RE.test(operation)) return Promise.reject(new Error('There is no such operation.'));
    return electron.ipcRenderer.invoke(`${PREFIX}api:${operation}`, request);
  },
  subscribe(listener: unknown): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
    const handler = (_event: unknown, payload: unknown): void => {
      (listener as (p: unknown) => void)(payload);
    };
    electron.ipcRenderer.on(`${PREFIX}event`, handler);
    return () => {
      electron.ipcRenderer.removeListener(`${PREFIX}event`, handler);
    };
  },
});
