import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as a signature is computed over it. */
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
}

/** Decides the answer for the n-th request (1-based) to one path. */
export type Responder = (req: ReceivedRequest, n: number) => Reply;

/** A real HTTP server on 127.0.0.1 that records what webhooks deliver and answers as told. */
export interface WebhookReceiver {
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: ReceivedRequest[];
  at(path: string): ReceivedRequest[];
  /** How `path` answers (default: 200). */
  respond(path: string, responder: Responder): void;
  close(): Promise<void>;
}

const listening = (server: Server | TcpServer, host: string) =>
  new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });

const closing = (server: Server | TcpServer) => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const responders = new Map<string, Responder>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] as string;
      const received = {
        method: req.method ?? "",
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(received);
      const n = requests.filter((r) => r.path === path).length;
      const reply = responders.get(path)?.(received, n) ?? { status: 200 };
      res.writeHead(reply.status, reply.headers ?? {});
      res.end("ok");
    });
  });
  const port = await listening(server, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    at: (path) => requests.filter((r) => r.path === path),
    respond: (path, responder) => {
      responders.set(path, responder);
    },
    close: () => {
      server.closeAllConnections();
      return closing(server);
    },
  };
}

/** A TCP listener that only counts connections: an SSRF test passes when it counts zero. */
export interface Canary {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/**
 * Listens on every loopback form it can (dual-stack `::` catches 127.0.0.1, ::1 and 0.0.0.0
 * alike; IPv4 only where the host has no IPv6).
 */
export async function startCanary(): Promise<Canary> {
  let count = 0;
  const server = createTcpServer((socket) => {
    count++;
    socket.destroy();
  });
  let port: number;
  try {
    port = await listening(server, "::");
  } catch {
    port = await listening(server, "127.0.0.1");
  }
  return { port, connections: () => count, close: () => closing(server) };
}
