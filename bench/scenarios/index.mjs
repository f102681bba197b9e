// Every scenario the benchmark knows, in the order they run (reads first, so the writes' new rows
// do not change what they read). A scenario is
//   { name, describe, writes?, sampleRss?, load(seeded) → { headers, requests } }
// where each request kind is { method, paths, bodies?, weight?, check(body) → problem | null }:
// the load generator picks a kind by weight, then a path and a body at random, and sends the same
// requests to Backroom and to the baseline. `__RAND__` in a body becomes a fresh value per request.
import auth from "./auth.mjs";
import batch from "./batch.mjs";
import create from "./create.mjs";
import getOne from "./get-one.mjs";
import graphql from "./graphql.mjs";
import list from "./list.mjs";
import listExpand from "./list-expand.mjs";
import mixed from "./mixed.mjs";
import update from "./update.mjs";

export const scenarios = [getOne, list, listExpand, graphql, create, update, batch, auth, mixed];
export const scenarioNames = scenarios.map((s) => s.name);
