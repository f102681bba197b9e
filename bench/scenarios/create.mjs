// A new order: validated fields, a relation check, the create rule, the row, an audit entry and an
// outbox event, all in one transaction.
import { createBodies, isOrder, ORDERS } from "./shared.mjs";

export const createRequest = ({ customerIds }) => ({
  method: "POST",
  paths: [ORDERS],
  bodies: createBodies(customerIds),
  check: isOrder,
});

export default {
  name: "create",
  describe: "POST /api/collections/orders/records (createRule, relation check, audit + outbox rows)",
  writes: true,
  load: (seeded) => ({
    headers: { authorization: seeded.token },
    requests: [createRequest(seeded)],
  }),
};
