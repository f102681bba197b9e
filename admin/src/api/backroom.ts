import type { ListResult, RecordModel } from "pocketbase";
import { present } from "./client";
import { pb } from "./pb";

/**
 * Backroom's own endpoints, which the SDK has no service for: sent with `pb.send`, so the token,
 * the 401 handling and the errors are the same as for the SDK's calls.
 */
type Query = Record<string, string | number | boolean | undefined>;

const path = (...parts: string[]) => parts.map(encodeURIComponent).join("/");

/** One page of a Backroom list endpoint (`/api/audit`, `/api/jobs`, `/api/webhooks`…). */
export function listPage<T>(endpoint: string, page: number, perPage: number, query: Query = {}) {
  return pb.send<ListResult<T>>(endpoint, { query: present({ page, perPage, ...query }) });
}

/** First run: creates the first superuser with the one-time setup token; answers like a sign-in. */
export function setupSuperuser(body: {
  token: string;
  email: string;
  password: string;
  passwordConfirm: string;
}) {
  return pb.send<{ token: string; record: RecordModel }>("/api/admin/setup", { method: "POST", body });
}

/** Checks a rule against a collection draft (400 with `data.rule` when it is wrong). */
export function checkRule(collection: unknown, rule: string) {
  return pb.send("/api/admin/rules/check", { method: "POST", body: { collection, rule } });
}

/** Where uploaded files go now, and who decided. */
export function storageState<T>() {
  return pb.send<T>("/api/settings/storage", {});
}

export const jobs = {
  act: (id: string, action: "retry" | "cancel") =>
    pb.send(`/api/jobs/${path(id)}/${action}`, { method: "POST" }),
};

export const webhooks = {
  create: <T>(body: Record<string, unknown>) => pb.send<T>("/api/webhooks", { method: "POST", body }),
  update: (id: string, body: Record<string, unknown>) =>
    pb.send(`/api/webhooks/${path(id)}`, { method: "PATCH", body }),
  remove: (id: string) => pb.send(`/api/webhooks/${path(id)}`, { method: "DELETE" }),
  deliveries: <T>(id: string) => listPage<T>(`/api/webhooks/${path(id)}/deliveries`, 1, 50),
  /** Queues a signed `webhook.test` event; the outcome shows among the deliveries. */
  test: (id: string) => pb.send(`/api/webhooks/${path(id)}/test`, { method: "POST" }),
};

/** A provider an auth collection can be set up with (GET /api/collections/meta/oauth2-providers). */
export interface ConfigurableProvider {
  name: string;
  displayName: string;
}

export function oauth2Providers() {
  return pb.send<ConfigurableProvider[]>("/api/collections/meta/oauth2-providers", {});
}

/** An API key as listed (its secret is never sent again; `prefix` tells keys apart). */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ({ collection: string; operations: string[] } | string)[];
  created: string;
  lastUsed: string;
}

export const apiKeys = {
  list: () => pb.send<ApiKey[]>("/api/keys", {}),
  /** Answers with the key itself: the only time it is shown. */
  create: (body: { name: string; scopes: ApiKey["scopes"] }) =>
    pb.send<ApiKey & { key: string }>("/api/keys", { method: "POST", body }),
  revoke: (id: string) => pb.send(`/api/keys/${path(id)}`, { method: "DELETE" }),
};
