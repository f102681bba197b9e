import { connect, createServer, type Server, type Socket } from "node:net";

export interface CuttingProxy {
  url: string;
  /** Cuts the connection that carries the client's byte number `bytes` from now (headers included). */
  cutAfter(bytes: number): void;
  /** Whether a connection was cut since the last cutAfter. */
  cut(): boolean;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a test server that can drop a connection midway through a
 * request, as a phone losing its network does: both sockets are destroyed, the server sees the body
 * break off and the client sees the connection fail.
 */
export async function startCuttingProxy(target: string): Promise<CuttingProxy> {
  const { hostname, port } = new URL(target);
  let limit: number | undefined;
  let didCut = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    client.on("data", (data: Buffer) => {
      if (limit !== undefined && data.length > limit) {
        const keep = limit;
        if (keep > 0) upstream.write(data.subarray(0, keep));
        limit = undefined;
        didCut = true;
        // Let the kept bytes reach the server before the connection goes.
        upstream.end(() => upstream.destroy());
        client.destroy();
        return;
      }
      if (limit !== undefined) limit -= data.length;
      upstream.write(data);
    });
    upstream.on("data", (data: Buffer) => client.write(data));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    cutAfter(bytes) {
      limit = bytes;
      didCut = false;
    },
    cut: () => didCut,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
