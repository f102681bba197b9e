import type { ApiError } from "../api/client";

/** /api/settings as the admin edits it (PocketBase's shape; secrets come back as ""). */
export interface Settings {
  meta: { appName: string; appURL: string; senderName: string; senderAddress: string; hideControls: boolean };
  smtp: {
    enabled: boolean;
    host: string;
    port: number;
    username: string;
    password: string;
    tls: boolean;
    authMethod: string;
    localName: string;
  };
  rateLimits: { enabled: boolean; rules: RateLimitRule[] };
  /** Backroom's own: failed sign-ins that lock an account or an address out. */
  authFailureLimits: AuthFailureLimits;
  s3: S3Settings;
  /** Backroom's own: the OpenAPI document and /api/docs (guests read them only with `guests`). */
  openapi: { enabled: boolean; guests: boolean };
  [section: string]: unknown;
}

export interface S3Settings {
  enabled: boolean;
  bucket: string;
  region: string;
  endpoint: string;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
}

export interface AuthFailureLimits {
  perIdentity: number;
  perIdentityDuration: number;
  perIP: number;
  perIPDuration: number;
}

export interface RateLimitRule {
  label: string;
  maxRequests: number;
  duration: number;
  audience: "" | "@guest" | "@auth";
}

export interface SectionProps {
  settings: Settings;
  error: ApiError | null;
  busy: boolean;
  onSave: (patch: Partial<Settings>) => Promise<boolean>;
}
