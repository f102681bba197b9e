import type { FastifyInstance } from "fastify";
import { oauth2Methods } from "../../auth/oauth2/auth-methods-providers.js";
import type { AuthOptions } from "../../collections/model.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string };

/** GET /api/collections/{c}/auth-methods: which sign-in methods a client may offer. */
export function authMethodsRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: Params }>("/api/collections/:collection/auth-methods", async (req) => {
    const c = authCollection(services, req.params.collection);
    const options = c.auth as AuthOptions;
    const otp = options.otp as { enabled?: boolean; duration?: number };
    const mfa = options.mfa as { enabled?: boolean; duration?: number };
    return {
      password: {
        enabled: options.passwordAuth.enabled,
        identityFields: options.passwordAuth.identityFields,
      },
      oauth2: await oauth2Methods(c),
      mfa: { enabled: mfa.enabled === true, duration: mfa.enabled ? (mfa.duration ?? 0) : 0 },
      otp: { enabled: otp.enabled === true, duration: otp.enabled ? (otp.duration ?? 0) : 0 },
    };
  });
}
