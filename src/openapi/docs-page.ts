/**
 * The API reference page at `/api/docs`: Scalar's standalone bundle (from the installed
 * `@scalar/api-reference` package, served by us: no CDN) rendering `/api/openapi.json`. No inline
 * script, so the page's CSP allows scripts from this origin only; Scalar injects its styles as
 * `<style>` elements, hence `'unsafe-inline'` for styles alone.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="app"><p id="docs-status">Loading the API document…</p></div>
<script src="/api/docs/scalar.js"></script>
<script src="/api/docs/start.js"></script>
</body>
</html>
`;

/**
 * Fetches the document with the token of a session on this origin (the admin's, or an app's
 * PocketBase SDK default), so a signed-in user sees what they may call; then hands it to Scalar.
 */
export const DOCS_SCRIPT = `"use strict";
(function () {
  function token() {
    var keys = ["backroom.admin.auth", "pocketbase_auth"];
    for (var i = 0; i < keys.length; i++) {
      try {
        var saved = JSON.parse(localStorage.getItem(keys[i]) || "null");
        if (saved && typeof saved.token === "string" && saved.token) return saved.token;
      } catch (e) {}
    }
    return "";
  }
  var status = document.getElementById("docs-status");
  var auth = token();
  fetch("/api/openapi.json", { headers: auth ? { Authorization: auth } : {} })
    .then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body && body.message ? body.message : "HTTP " + res.status);
        return body;
      });
    })
    .then(function (content) {
      Scalar.createApiReference("#app", {
        content: content,
        // Nothing of Scalar's own services: no hosted fonts, AI agent, telemetry or developer toolbar.
        withDefaultFonts: false,
        agent: { disabled: true },
        telemetry: false,
        showDeveloperTools: "never"
      });
    })
    .catch(function (err) {
      status.textContent = "The API document could not be loaded: " + err.message;
    });
})();
`;
