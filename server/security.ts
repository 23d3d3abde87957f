/**
 * What keeps browser mode to this machine and this page: the Host header must name the loopback
 * address and our port (no DNS rebinding), an Origin header must be ours (no cross-site or
 * other-local-port requests), and fetch metadata must say same-origin for the API and media.
 * Every answer carries a strict Content-Security-Policy and the usual hardening headers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONTENT_SECURITY_POLICY } from '../common/api/http.js';
import type { Msg } from '../common/i18n/catalog.js';

export const LOOPBACK_HOST = '127.0.0.1';

/** Only the loopback address: anything else would put footage on the network. */
export function assertLoopbackHost(host: string): string {
  if (host !== LOOPBACK_HOST) {
    throw new Error(`Custodian serves only on ${LOOPBACK_HOST} (this machine); "${host}" is refused. Footage must not be reachable from the network.`);
  }
  return host;
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), payment=()',
};

export type Refusal = { status: number; msg: Msg } | null;

/** Host and Origin checks for every request; fetch metadata for the API, events and media. */
export function checkRequest(request: FastifyRequest, port: number): Refusal {
  const host = (request.headers.host ?? '').toLowerCase();
  if (!allowedHosts(port).has(host)) {
    return { status: 421, msg: { key: 'server:hostRefused', params: { port, host: host.slice(0, 100) } } };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin.toLowerCase())) {
    return { status: 403, msg: { key: 'server:crossOrigin' } };
  }
  // The matched route as well as the raw URL: "/%61pi/…" is routed to the API too.
  const route = request.routeOptions.url ?? '';
  const url = request.url;
  const guarded = [route, url].some((u) => u.startsWith('/api/') || u.startsWith('/media/') || u.startsWith('/download/') || u.startsWith('/upload/'));
  const site = request.headers['sec-fetch-site'];
  if (guarded && site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, msg: { key: 'server:otherSites' } };
  }
  return null;
}

export function setSecurityHeaders(reply: FastifyReply): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
}
