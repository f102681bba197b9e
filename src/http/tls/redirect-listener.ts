import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What answers `GET /.well-known/acme-challenge/<token>` (ACME HTTP-01): the key authorization. */
export type ChallengeAnswers = (token: string) => string | undefined;

const CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

/**
 * The plain-HTTP port of a server that serves HTTPS: answers ACME HTTP-01 challenges, sends every
 * other request to the same path on HTTPS (308 keeps the method and body of a POST), and nothing
 * else: no API over clear text. The host comes from the request's Host header, the port is the
 * HTTPS one (left out when 443).
 */
export function createRedirectListener(httpsPort: () => number, challenges: ChallengeAnswers): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    if (path.startsWith(CHALLENGE_PREFIX)) {
      const answer = challenges(path.slice(CHALLENGE_PREFIX.length));
      res.writeHead(answer === undefined ? 404 : 200, { "content-type": "text/plain" });
      return res.end(answer ?? "");
    }
    const host = hostName(req.headers.host);
    if (host === undefined || !path.startsWith("/")) {
      res.writeHead(400, { "content-type": "application/json" });
      return res.end(JSON.stringify({ status: 400, message: "A Host header is required.", data: {} }));
    }
    const port = httpsPort() === 443 ? "" : `:${httpsPort()}`;
    res.writeHead(308, { location: `https://${host}${port}${path}`, "content-length": "0" });
    res.end();
  });
  // Nothing here is slow: a client that takes longer than this to send its headers isn't a browser.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return server;
}

/** The Host header's name without its port (IPv6 kept in brackets); undefined if it isn't a host. */
function hostName(header: string | undefined): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header ?? "");
  return m?.[1];
}

/** Listens; resolves with the bound `http://host:port` (a taken port rejects). */
export function listenOn(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve(`http://${shown}:${address.port}`);
    });
  });
}
