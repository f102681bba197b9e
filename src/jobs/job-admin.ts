import { nowDate } from "../ids.js";
import type { Db } from "../store/store.js";
import { uniqueViolationColumns } from "../store/unique-violation.js";
import { toJob } from "./job-json.js";
import { getJobRow, moveJob } from "./job-store.js";
import type { Job, JobStatus } from "./job-types.js";

/** Why an admin action did not apply. */
export type AdminRefusal = "not_found" | "wrong_status" | "key_taken";

async function move(
  db: Db,
  id: string,
  from: JobStatus[],
  set: Parameters<typeof moveJob>[3],
): Promise<Job | AdminRefusal> {
  try {
    if (!(await moveJob(db, id, from, set, nowDate()))) {
      return (await getJobRow(db, id)) ? "wrong_status" : "not_found";
    }
  } catch (err) {
    // Retrying a dead job whose key a newer job holds now would make two live jobs with one key.
    if (uniqueViolationColumns(err)) return "key_taken";
    throw err;
  }
  const row = await getJobRow(db, id);
  return row ? toJob(row) : "not_found";
}

/** A dead or failed job runs again now, with its full number of attempts. */
export function retryJob(db: Db, id: string): Promise<Job | AdminRefusal> {
  return move(db, id, ["dead", "failed"], { status: "pending", attempts: 0, runAt: nowDate() });
}

/** A job waiting to run (pending, or failed and waiting for its retry) is withdrawn. */
export function cancelJob(db: Db, id: string): Promise<Job | AdminRefusal> {
  return move(db, id, ["pending", "failed"], { status: "cancelled" });
}
