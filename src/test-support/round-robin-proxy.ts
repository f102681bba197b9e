import http from "node:http";
import type { AddressInfo } from "node:net";

/** Which upstream served one request. */
export interface Routed {
  method: string;
  path: string;
  upstream: number;
}

/**
 * A round-robin HTTP balancer for tests: every request goes to the next upstream in turn, on a
 * connection of its own (no sticky sessions, no connection reuse that would pin a client to a node),
 * streaming both ways (SSE passes through). It adds X-Forwarded-For as a proxy would. `routed`
 * records where each request went.
 */
export class RoundRobinProxy {
  readonly routed: Routed[] = [];
  private server: http.Server | undefined;
  private next = 0;

  constructor(private readonly upstreams: string[]) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.forward(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const upstream = this.next;
    this.next = (this.next + 1) % this.upstreams.length;
    this.routed.push({ method: req.method ?? "GET", path: req.url ?? "/", upstream });
    const target = new URL(req.url ?? "/", this.upstreams[upstream]);
    const forwardedFor = [req.headers["x-forwarded-for"], req.socket.remoteAddress]
      .filter(Boolean)
      .join(", ");
    const out = http.request(
      target,
      {
        method: req.method,
        headers: { ...req.headers, host: target.host, "x-forwarded-for": forwardedFor },
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on("close", () => out.destroy());
    req.pipe(out);
  }
}
