import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe, requestJson } from "./http.mjs";

// A real server standing in for a peer: echoes what it got, or fails the way a misconfigured peer would.
function handle(req: IncomingMessage, res: ServerResponse) {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    const answer = (status: number, text: string) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(text);
    };
    if (req.url === "/forbidden") return answer(403, '{"error":"forbidden"}');
    if (req.url === "/html") return answer(200, "<html></html>");
    answer(200, JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null, body }));
  });
}

describe("bench:peers HTTP helpers", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends JSON and reads JSON back", async () => {
    const answer = await requestJson(url, "POST", "/echo", {
      headers: { authorization: "t" },
      body: { a: 1 },
    });
    expect(answer).toEqual({ method: "POST", auth: "t", body: '{"a":1}' });
  });

  it("fails with the status and body on a non-2xx", async () => {
    await expect(requestJson(url, "GET", "/forbidden")).rejects.toThrow(
      /GET \/forbidden answered 403: .*forbidden/,
    );
  });

  it("probes each request kind once, with __RAND__ filled in and the load's headers", async () => {
    const seen: unknown[] = [];
    const load = {
      headers: { authorization: "Bearer x" },
      requests: [
        {
          method: "POST",
          paths: ["/a"],
          bodies: ['{"note":"n __RAND__"}'],
          check: (b: unknown) => {
            seen.push(b);
            return null;
          },
        },
      ],
    };
    await probe(url, load);
    expect(seen).toEqual([{ method: "POST", auth: "Bearer x", body: '{"note":"n probe"}' }]);
  });

  it("rejects a failed request, a non-JSON answer and an answer its check dislikes", async () => {
    const kind = (path: string, check = () => null as string | null) => ({
      headers: {},
      requests: [{ method: "GET", paths: [path], check }],
    });
    await expect(probe(url, kind("/forbidden"))).rejects.toThrow(/answered 403/);
    await expect(probe(url, kind("/html"))).rejects.toThrow(/no JSON/);
    await expect(
      probe(
        url,
        kind("/ok", () => "not a page of 30 orders"),
      ),
    ).rejects.toThrow(/not a page of 30 orders/);
  });
});
