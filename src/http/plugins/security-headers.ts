import type { FastifyInstance } from "fastify";
import type { Settings } from "../../settings/settings-model.js";
import { routeTemplate } from "../route-template.js";
import { claimsForwardedProto, isSecureRequest, isTlsConnection } from "../secure-request.js";

export interface SecurityHeadersDeps {
  /** CSP `frame-ancestors` sources of the admin UI (config; `'none'` by default). */
  adminFrameAncestors: string;
  /** The trusted-proxy settings, read only for requests that claim a forwarded protocol. */
  trustedProxy(): Promise<Settings["trustedProxy"]>;
}

export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * The admin's own files only: its script and stylesheet from /_/assets, calls to this server, the
 * `data:` favicon. Preact sets style props through the CSSOM, which CSP leaves alone, so no
 * 'unsafe-inline' (checked in Chromium by the admin's end-to-end suite).
 */
export function adminCsp(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
}

/** X-Frame-Options for browsers without CSP level 2; it can't name other sites, so it's left out then. */
function frameOptions(frameAncestors: string): string | undefined {
  if (frameAncestors === "'none'") return "DENY";
  if (frameAncestors === "'self'") return "SAMEORIGIN";
  return undefined;
}

/**
 * Security headers on every answer (set on the reply when the request comes in, so errors, 404s
 * and the hijacked SSE stream carry them too; a route may set its own):
 * - everywhere: `X-Content-Type-Options: nosniff`, a Referrer-Policy, HSTS when the request came
 *   over HTTPS (directly or through a trusted proxy; browsers ignore it over HTTP anyway);
 * - the admin UI (`/_/`): a strict CSP of its own files and `frame-ancestors` as configured;
 * - file downloads: no framing headers, so apps can embed their PDFs and videos (the files route
 *   sets its own sandboxing CSP);
 * - everything else (the API, hooks' routes): no framing (`frame-ancestors 'none'`, DENY).
 */
export function registerSecurityHeaders(app: FastifyInstance, deps: SecurityHeadersDeps): void {
  const admin = {
    "content-security-policy": adminCsp(deps.adminFrameAncestors),
    "referrer-policy": "same-origin",
    ...withFrameOptions(frameOptions(deps.adminFrameAncestors)),
  };
  const files = { "referrer-policy": "strict-origin-when-cross-origin" };
  const api = {
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
  };

  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-content-type-options", "nosniff");
    const path = request.url;
    const set =
      path === "/_" || path.startsWith("/_/") || path.startsWith("/_?")
        ? admin
        : routeTemplate(request) === "/api/files/:collection/:recordId/:filename"
          ? files
          : api;
    reply.headers(set);
    if (isTlsConnection(request)) {
      reply.header("strict-transport-security", HSTS);
      return done();
    }
    if (!claimsForwardedProto(request)) return done();
    deps.trustedProxy().then(
      (trustedProxy) => {
        if (isSecureRequest(request, trustedProxy)) reply.header("strict-transport-security", HSTS);
        done();
      },
      () => done(),
    );
  });
}

function withFrameOptions(value: string | undefined): Record<string, string> {
  return value ? { "x-frame-options": value } : {};
}
