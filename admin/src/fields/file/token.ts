import { useEffect, useState } from "preact/hooks";
import { pb } from "../../api/pb";

/** Protected files need `?token=`: one token (valid a few minutes) is shared by every preview. */
let cached: { token: string; at: number } | null = null;
let pending: Promise<string> | null = null;
const TOKEN_REUSE_MS = 60_000;

function fileToken(): Promise<string> {
  if (cached && Date.now() - cached.at < TOKEN_REUSE_MS) return Promise.resolve(cached.token);
  pending ??= pb.files
    .getToken()
    .then((token) => {
      cached = { token, at: Date.now() };
      return token;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

export function useFileToken(needed: boolean): string {
  const [token, setToken] = useState(cached?.token ?? "");
  useEffect(() => {
    if (needed) fileToken().then(setToken, () => undefined);
  }, [needed]);
  return token;
}
