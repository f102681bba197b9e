/**
 * Application settings (`/api/settings`), in PocketBase's wire shape. Stored as one JSON document
 * in `_params`; every node reads it from the store, so changes apply cluster-wide.
 */
export interface Settings {
  /** Addresses and CIDR subnets superusers may act from; empty = anywhere (PocketBase's). */
  superuserIPs: string[];
  meta: {
    /** The dashboard's accent color, `#rrggbb` (PocketBase's; Backroom's admin doesn't use it). */
    accentColor: string;
    appName: string;
    appURL: string;
    senderName: string;
    senderAddress: string;
    hideControls: boolean;
  };
  smtp: {
    enabled: boolean;
    host: string;
    port: number;
    username: string;
    /** Secret: masked on read. */
    password: string;
    /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
    tls: boolean;
    authMethod: "PLAIN" | "LOGIN" | "";
    localName: string;
  };
  rateLimits: {
    enabled: boolean;
    rules: RateLimitRule[];
    /** Client addresses and CIDR subnets that are never limited. */
    excludedIPs: string[];
  };
  /**
   * Backroom's own: failed password and code checks that lock out (429) an account or a client
   * address, aimed at guessing and credential stuffing rather than at request volume. On while
   * `rateLimits.enabled`; a maximum of 0 turns that lock off.
   */
  authFailureLimits: {
    /** Failed checks for one account, from any address, each within `perIdentityDuration` s of the previous. */
    perIdentity: number;
    perIdentityDuration: number;
    /** Failed checks from one client address, for any accounts, within `perIPDuration` s of the first. */
    perIP: number;
    perIPDuration: number;
  };
  trustedProxy: {
    /** Headers that carry the client IP (e.g. X-Forwarded-For), trusted only when set. */
    headers: string[];
    useLeftmostIP: boolean;
  };
  batch: {
    enabled: boolean;
    maxRequests: number;
    timeout: number;
    maxBodySize: number;
  };
  logs: {
    maxDays: number;
    minLevel: number;
    logIP: boolean;
    logAuthId: boolean;
  };
  /**
   * Backroom's own: Prometheus metrics at `/api/metrics` (on by default; off answers 404). Scrapers
   * send `Authorization: Bearer <token>` with this token (or BACKROOM_METRICS_TOKEN), a superuser
   * token, or an API key with the `metrics` scope.
   */
  metrics: {
    enabled: boolean;
    /** Secret: masked on read; "" = no scraper token (superusers and keys still may). */
    token: string;
  };
  /**
   * Uploaded files in an S3-compatible bucket instead of the local folder. Ignored when the server
   * was started with S3 flags or environment variables (those win; see `storageFromEnv`).
   */
  s3: {
    enabled: boolean;
    bucket: string;
    region: string;
    endpoint: string;
    accessKey: string;
    /** Secret: masked on read. */
    secret: string;
    forcePathStyle: boolean;
  };
  /**
   * Scheduled backups (`cron`, 5-field UTC expression or "" for none; the newest `cronMaxKeep`
   * scheduled ones are kept) and where backups are kept: `<dir>/backups`, or this bucket.
   */
  backups: {
    cron: string;
    cronMaxKeep: number;
    s3: S3Section;
  };
  /**
   * Backroom's own: how many days the offline-sync feed (`/api/changes`) keeps changes and
   * tombstones; a client whose cursor is older must list everything again (410). The outbox
   * keeps its rows this long (at least an hour, what event dispatch needs).
   */
  sync: {
    retentionDays: number;
  };
  /**
   * Backroom's own: Web Push (`/api/push`, src/push). The VAPID key pair is generated on first use
   * (base64url: the public key an uncompressed P-256 point, the private key its 32-byte scalar);
   * an admin may set their own pair instead. Changing the pair invalidates every subscription
   * browsers made with the old public key.
   */
  push: {
    vapidPublicKey: string;
    /** Secret: masked on read. */
    vapidPrivateKey: string;
    /** The VAPID `sub` claim push services may contact: `mailto:` or `https:`; "" = mailto:<meta.senderAddress>. */
    subject: string;
    /** Subscriptions one account may hold (one per browser or device). */
    maxSubscriptionsPerUser: number;
  };
  /** Backroom's own: `/api/graphql` and its bounds (docs/API.md, "GraphQL"). */
  graphql: {
    enabled: boolean;
    /** Who may ask for the schema (`__schema`, `__type`): superusers, any signed-in caller, or anyone. */
    introspection: "superusers" | "users" | "all";
    /** Nesting of selection sets, fragments counted where spread. */
    maxDepth: number;
    /** Field selections per document (a root field counts 11). */
    maxCost: number;
    /** Aliased fields per document. */
    maxAliases: number;
    /** Operations in one batched request (a JSON array). */
    maxBatch: number;
    /** SHA-256 (hex) of the query texts non-superusers may run; empty: any query within the bounds. */
    allowedQueries: string[];
  };
  /**
   * Backroom's own: the OpenAPI document (`/api/openapi.json`, `.yaml`) and its docs page
   * (`/api/docs`). Off answers 404. Signed-in users (and API keys) may read it; guests only with
   * `guests` on. Each sees only what they could call.
   */
  openapi: {
    enabled: boolean;
    guests: boolean;
  };
  /**
   * Backroom's own: resumable uploads (`/api/tus/`). One untouched for `expiryHours` expires and
   * its bytes are removed; a user (or API key) has at most `maxUploadsPerUser` unfinished ones.
   */
  tus: {
    expiryHours: number;
    maxUploadsPerUser: number;
  };
}

export type S3Section = Settings["s3"];

export interface RateLimitRule {
  /** `/api/`, `/api/collections/posts/records`, `*:auth`, `posts:create`, `GET /api/x`… */
  label: string;
  maxRequests: number;
  /** Window in seconds. */
  duration: number;
  /** "" (everyone), "@guest" or "@auth". */
  audience: "" | "@guest" | "@auth";
}

export function defaultSettings(): Settings {
  return {
    superuserIPs: [],
    meta: {
      accentColor: "#1055c9",
      appName: "Backroom",
      appURL: "http://127.0.0.1:8090",
      senderName: "Support",
      senderAddress: "support@example.com",
      hideControls: false,
    },
    smtp: {
      enabled: false,
      host: "",
      port: 587,
      username: "",
      password: "",
      tls: false,
      authMethod: "",
      localName: "",
    },
    // Ceilings per client address that a busy app server or an office behind one NAT stays
    // under (PocketBase ships 2 sign-ins per 3 s, off); guessing is stopped by authFailureLimits.
    rateLimits: {
      enabled: true,
      rules: [
        { label: "*:auth", maxRequests: 100, duration: 10, audience: "" },
        { label: "*:create", maxRequests: 100, duration: 10, audience: "" },
        { label: "/api/batch", maxRequests: 30, duration: 10, audience: "" },
        { label: "/api/", maxRequests: 1000, duration: 10, audience: "" },
      ],
      excludedIPs: [],
    },
    authFailureLimits: { perIdentity: 10, perIdentityDuration: 60, perIP: 30, perIPDuration: 300 },
    trustedProxy: { headers: [], useLeftmostIP: false },
    batch: { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
    metrics: { enabled: true, token: "" },
    s3: {
      enabled: false,
      bucket: "",
      region: "",
      endpoint: "",
      accessKey: "",
      secret: "",
      forcePathStyle: false,
    },
    backups: {
      cron: "",
      cronMaxKeep: 3,
      s3: {
        enabled: false,
        bucket: "",
        region: "",
        endpoint: "",
        accessKey: "",
        secret: "",
        forcePathStyle: false,
      },
    },
    sync: { retentionDays: 7 },
    push: { vapidPublicKey: "", vapidPrivateKey: "", subject: "", maxSubscriptionsPerUser: 20 },
    graphql: {
      enabled: true,
      introspection: "users",
      maxDepth: 12,
      maxCost: 2000,
      maxAliases: 30,
      maxBatch: 10,
      allowedQueries: [],
    },
    openapi: { enabled: true, guests: false },
    tus: { expiryHours: 24, maxUploadsPerUser: 10 },
  };
}

/** Paths of secret values: stored, used, never returned. */
export const SECRET_PATHS: readonly (readonly string[])[] = [
  ["smtp", "password"],
  ["metrics", "token"],
  ["s3", "secret"],
  ["backups", "s3", "secret"],
  ["push", "vapidPrivateKey"],
];
