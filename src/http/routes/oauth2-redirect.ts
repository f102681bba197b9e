import { createHash } from "node:crypto";
import { parse } from "node:querystring";
import type { FastifyInstance, FastifyReply } from "fastify";

const MAX_VALUE = 4096;

/** Hands the result to the window that opened the popup, on this server's origin only. */
const SCRIPT =
  '(function(){var d=JSON.parse(document.getElementById("oauth2").textContent);' +
  'if(window.opener){window.opener.postMessage(Object.assign({type:"oauth2-redirect"},d),window.location.origin);window.close();}})();';
const SCRIPT_HASH = createHash("sha256").update(SCRIPT).digest("base64");

/** JSON that is safe inside a <script> element: no `<`, `>`, `&` or line separators survive raw. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function pick(source: unknown, key: string): string {
  const v = (source as Record<string, unknown> | undefined)?.[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === "string" ? s.slice(0, MAX_VALUE) : "";
}

function page(reply: FastifyReply, source: unknown) {
  const data = { state: pick(source, "state"), code: pick(source, "code"), error: pick(source, "error") };
  return reply
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("referrer-policy", "no-referrer")
    .header("content-security-policy", `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'`)
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>Sign-in</title></head><body>` +
        `<p>Sign-in finished. You can close this window.</p>` +
        `<script type="application/json" id="oauth2">${scriptJson(data)}</script>` +
        `<script>${SCRIPT}</script></body></html>`,
    );
}

/**
 * GET/POST /api/oauth2-redirect: where providers send the browser back (POST for Apple's
 * form_post). PocketBase forwards code/state to the SDK's realtime client; until Backroom has
 * realtime, the page posts them to the opener window instead.
 */
export function oauth2RedirectRoutes(app: FastifyInstance): void {
  app.register(async (scope) => {
    // Its own reading of a provider's form post, smaller than the API's (which it replaces here).
    scope.removeContentTypeParser("application/x-www-form-urlencoded");
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, parse(String(body))),
    );
    scope.get("/api/oauth2-redirect", (req, reply) => page(reply, req.query));
    scope.post("/api/oauth2-redirect", (req, reply) => page(reply, req.body));
  });
}
