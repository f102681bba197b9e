// Every scenario the benchmark knows, in the order they run. A scenario says which requests the
// load generator sends (the same to Backroom and to the baseline) and how a good answer looks;
// writes (create, update, batch) will add a `bodies` list and a reset step here.
import getOne from "./get-one.mjs";
import list from "./list.mjs";

export const scenarios = [getOne, list];
export const scenarioNames = scenarios.map((s) => s.name);
