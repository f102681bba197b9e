import type { FastifyInstance } from "fastify";
import type { Services } from "../http/services.js";
import { ruleCheckRoutes } from "./rule-check-route.js";
import { setupRoutes } from "./setup-route.js";
import { staticUiRoutes } from "./static-ui.js";

/** Everything the admin UI needs from the server: its files at /_/ and its two helper endpoints. */
export function adminRoutes(app: FastifyInstance, services: Services): void {
  staticUiRoutes(app);
  setupRoutes(app, services);
  ruleCheckRoutes(app, services);
}
