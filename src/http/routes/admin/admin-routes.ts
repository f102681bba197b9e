import type { FastifyInstance } from "fastify";
import { staticUiRoutes } from "../../../admin/static-ui.js";
import type { Services } from "../../services.js";
import { ruleCheckRoutes } from "./rule-check-route.js";
import { setupRoutes } from "./setup-route.js";

/** Everything the admin UI needs from the server: its files at /_/ and its two helper endpoints. */
export function adminRoutes(app: FastifyInstance, services: Services): void {
  staticUiRoutes(app);
  setupRoutes(app, services);
  ruleCheckRoutes(app, services);
}
