// Ten new orders in one POST /api/batch: one transaction, ten times the create path.
import { newOrder, ORDERS } from "./shared.mjs";

const PER_BATCH = 10;
const VARIANTS = 20;

export default {
  name: "batch",
  describe: `POST /api/batch with ${PER_BATCH} order creates (one transaction)`,
  writes: true,
  load: ({ token, customerIds }) => ({
    headers: { authorization: token },
    requests: [
      {
        method: "POST",
        paths: ["/api/batch"],
        bodies: Array.from({ length: VARIANTS }, (_, v) =>
          JSON.stringify({
            requests: Array.from({ length: PER_BATCH }, (_, i) => ({
              method: "POST",
              url: ORDERS,
              body: newOrder(customerIds, v * PER_BATCH + i),
            })),
          }),
        ),
        check: (body) =>
          Array.isArray(body) &&
          body.length === PER_BATCH &&
          body.every((r) => r.status === 200 && r.body?.collectionName === "orders")
            ? null
            : `not ${PER_BATCH} created orders`,
      },
    ],
  }),
};
