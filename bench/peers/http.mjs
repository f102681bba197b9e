// JSON over HTTP for setting peers up, and the check that a scenario's requests get good answers
// before any load counts (a misconfigured peer answering 403 fast would look like a fast peer).

/** Sends JSON, resolves with the parsed answer; rejects with the status and body on a non-2xx. */
export async function requestJson(baseUrl, method, path, { headers = {}, body } = {}) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return text === "" ? null : JSON.parse(text);
}

/**
 * Sends the first path (and body) of each request kind of a load once and applies its `check`;
 * throws on a failed request or a bad answer.
 */
export async function probe(baseUrl, load) {
  for (const kind of load.requests) {
    const path = kind.paths[0];
    const body = kind.bodies?.[0]?.replaceAll("__RAND__", "probe");
    const headers =
      body === undefined ? load.headers : { ...load.headers, "content-type": "application/json" };
    const res = await fetch(baseUrl + path, { method: kind.method, headers, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`${kind.method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${kind.method} ${path} answered no JSON: ${text.slice(0, 300)}`);
    }
    const problem = kind.check(json);
    if (problem) throw new Error(`${kind.method} ${path}: ${problem}: ${text.slice(0, 300)}`);
  }
}
