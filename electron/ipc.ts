/**
 * IPC handlers generated from the contract: one channel per operation, all under one prefix;
 * each checks that the message comes from our own top-level frame before looking at it, parses
 * the request with the operation's schema, then forwards it (with the window's session, which
 * the page never sees) to the service process. No `electron` import, so it is tested under Node.
 */
import { CONTRACT, OPERATION_NAMES, type OperationName } from '../common/api/contract.js';
import { english, type Msg } from '../common/i18n/catalog.js';
import { requestIssues } from '../common/i18n/zod.js';
import type { ApiResult } from '../common/api/types.js';
import type { z } from 'zod';
import { EVENT_CHANNEL, IPC_PREFIX, isTrustedSender } from './security.js';

export const API_CHANNEL_PREFIX = `${IPC_PREFIX}api:`;

export function apiChannel(op: OperationName): string {
  return `${API_CHANNEL_PREFIX}${op}`;
}

export interface IpcEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}

export interface ApiForwarder {
  forward(senderId: number, op: OperationName, request: unknown): Promise<ApiResult<unknown>>;
}

/** A refusal made here, before the service sees the call: English log form and the sentence for the window to word. */
const refuse = (code: 'forbidden' | 'invalid_request', msg: Msg): ApiResult<never> => ({ ok: false, error: { code, message: english(msg), msg } });

/** Registers every operation; returns the channels (and a function that removes them). */
export function registerApiHandlers(ipc: IpcMainLike, forwarder: ApiForwarder, trusted: (e: IpcEventLike) => boolean = (e) => isTrustedSender(e.senderFrame)): { channels: string[]; dispose(): void } {
  const channels: string[] = [];
  for (const op of OPERATION_NAMES) {
    const channel = apiChannel(op);
    const schema: z.ZodType = CONTRACT[op].request;
    ipc.handle(channel, async (event, ...args) => {
      if (!trusted(event)) return refuse('forbidden', { key: 'desktop:errors.untrusted' });
      if (args.length > 1) return refuse('invalid_request', { key: 'desktop:errors.oneRequest' });
      const raw = args[0] === undefined || args[0] === null ? {} : args[0];
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return refuse('invalid_request', requestIssues(schema, raw, parsed.error));
      return forwarder.forward(event.sender.id, op, raw);
    });
    channels.push(channel);
  }
  return {
    channels,
    dispose() {
      for (const c of channels) ipc.removeHandler(c);
    },
  };
}

export { EVENT_CHANNEL };
