// One field of a random order changes: read, updateRule, validation, UPDATE, audit + outbox (with
// the previous values) in one transaction. The note only, so the list scenarios' pages stay put.
import { isOrder, ORDERS } from "./shared.mjs";

export default {
  name: "update",
  describe: "PATCH /api/collections/orders/records/:id with a new note (updateRule, audit + outbox rows)",
  writes: true,
  load: ({ token, orderIds }) => ({
    headers: { authorization: token },
    requests: [
      {
        method: "PATCH",
        paths: orderIds.map((id) => `${ORDERS}/${id}`),
        bodies: [JSON.stringify({ note: "Updated by the benchmark __RAND__" })],
        check: isOrder,
      },
    ],
  }),
};
