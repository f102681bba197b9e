import { nowDate, randomId } from "../ids.js";
import type { Db } from "../store/store.js";
import { systemTables } from "../store/system-tables.js";

export interface Delivery {
  id: string;
  webhookId: string;
  jobId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: "success" | "failed";
  httpStatus: number;
  durationMs: number;
  error: string;
  created: string;
}

export async function recordDelivery(db: Db, delivery: Omit<Delivery, "id" | "created">): Promise<void> {
  await systemTables(db)
    .insertInto("_webhook_deliveries")
    .values({
      id: randomId(),
      webhook_id: delivery.webhookId,
      job_id: delivery.jobId,
      event_id: delivery.eventId,
      event_type: delivery.eventType,
      attempt: delivery.attempt,
      status: delivery.status,
      http_status: delivery.httpStatus,
      duration_ms: Math.round(delivery.durationMs),
      error: delivery.error.slice(0, 2000),
      created: nowDate(),
    })
    .execute();
}

function toDelivery(row: Record<string, unknown>): Delivery {
  return {
    id: String(row.id),
    webhookId: String(row.webhook_id),
    jobId: String(row.job_id),
    eventId: String(row.event_id),
    eventType: String(row.event_type),
    attempt: Number(row.attempt),
    status: row.status === "success" ? "success" : "failed",
    httpStatus: Number(row.http_status),
    durationMs: Number(row.duration_ms),
    error: String(row.error),
    created: String(row.created),
  };
}

/** A webhook's deliveries, newest first. */
export async function listDeliveries(
  db: Db,
  webhookId: string,
  page: { limit: number; offset: number },
): Promise<Delivery[]> {
  const rows = await systemTables(db)
    .selectFrom("_webhook_deliveries")
    .selectAll()
    .where("webhook_id", "=", webhookId)
    .orderBy("created", "desc")
    .orderBy("attempt", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toDelivery);
}

export async function countDeliveries(db: Db, webhookId: string): Promise<number> {
  const row = await systemTables(db)
    .selectFrom("_webhook_deliveries")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("webhook_id", "=", webhookId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
