/**
 * Application settings (`/api/settings`), in PocketBase's wire shape. Stored as one JSON document
 * in `_params`; every node reads it from the store, so changes apply cluster-wide.
 */
export interface Settings {
  meta: {
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
}

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
    meta: {
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
    rateLimits: {
      enabled: true,
      rules: [
        { label: "*:auth", maxRequests: 2, duration: 3, audience: "" },
        { label: "*:create", maxRequests: 20, duration: 5, audience: "" },
        { label: "/api/batch", maxRequests: 3, duration: 1, audience: "" },
        { label: "/api/", maxRequests: 300, duration: 10, audience: "" },
      ],
    },
    trustedProxy: { headers: [], useLeftmostIP: false },
    batch: { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
    s3: {
      enabled: false,
      bucket: "",
      region: "",
      endpoint: "",
      accessKey: "",
      secret: "",
      forcePathStyle: false,
    },
  };
}

/** Paths of secret values: stored, used, never returned. */
export const SECRET_PATHS: readonly (readonly string[])[] = [
  ["smtp", "password"],
  ["s3", "secret"],
];
