import type { FastifyInstance } from "fastify";
import { collectionFromInput } from "../../../collections/collection-input.js";
import type { Collection } from "../../../collections/model.js";
import { ApiError, badRequest, issue } from "../../../errors/api-error.js";
import { compileFilter, parseFilter } from "../../../rules/index.js";
import { objectBody } from "../../plugins/json-body.js";
import { requestBody } from "../../plugins/multipart-body.js";
import { requireSuperuser } from "../../request-context.js";
import type { Services } from "../../services.js";

/** Rules longer than this are refused before parsing (the collection API has the same practical limit). */
const MAX_RULE_LENGTH = 10_000;

/**
 * POST /api/admin/rules/check {collection, rule}: checks one rule against a collection draft
 * (the body the collection editor would save) without saving, so the editor can show syntax and
 * field errors while the rule is typed. 204 when the rule is valid; 400 with `data.rule` otherwise.
 * Superusers only.
 */
export function ruleCheckRoutes(app: FastifyInstance, services: Services): void {
  app.post("/api/admin/rules/check", async (req, reply) => {
    await requireSuperuser(req, services);
    const body = await requestBody(req);
    const { rule } = body;
    if (typeof rule !== "string")
      throw badRequest("Failed to check the rule.", {
        rule: issue("validation_required", "Must be a string."),
      });
    if (rule.length > MAX_RULE_LENGTH)
      throw badRequest("Failed to check the rule.", {
        rule: issue("validation_max_text_constraint", "Too long."),
      });
    const draft = objectBody(body.collection);
    const previous = typeof draft.id === "string" ? services.registry.get(draft.id) : undefined;
    let candidate: Collection;
    try {
      candidate = collectionFromInput({ name: "draft", ...draft }, previous);
    } catch (err) {
      if (err instanceof ApiError) throw badRequest("Fix the collection's fields first.", err.data);
      throw err;
    }
    if (rule.trim() === "") return reply.code(204).send();
    const getCollection = (idOrName: string) =>
      idOrName === candidate.id || idOrName === candidate.name ? candidate : services.registry.get(idOrName);
    try {
      // Same check as saving the collection: compile against a superuser scope with no request data.
      compileFilter(
        parseFilter(rule),
        {
          collection: candidate,
          getCollection,
          request: {
            auth: null,
            body: {},
            query: {},
            headers: {},
            method: "GET",
            context: "default",
            isSuperuser: true,
          },
        },
        services.store.frags,
        "r",
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : "Invalid rule.";
      throw badRequest("Invalid rule.", { rule: issue("validation_invalid_rule", message) });
    }
    return reply.code(204).send();
  });
}
