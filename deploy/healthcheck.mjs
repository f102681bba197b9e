// The container's HEALTHCHECK: exit 0 when GET /api/health answers 200 on the port BACKROOM_HTTP
// names (the server listens there inside the container), 1 otherwise. A script, not `curl`:
// the slim Node image has no curl, and this needs nothing but Node.
const address = process.env.BACKROOM_HTTP ?? "0.0.0.0:8090";
const port = address.split(":").pop();
try {
  const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(4000) });
  process.exit(res.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
