// One order by id, picked at random from a pool so the database does not serve one hot row.
import { isOrder, ORDERS } from "./shared.mjs";

export const getOneRequest = ({ orderIds }) => ({
  method: "GET",
  paths: orderIds.map((id) => `${ORDERS}/${id}`),
  check: isOrder,
});

export default {
  name: "get-one",
  describe: "GET /api/collections/orders/records/:id as a signed-in user (viewRule applies)",
  load: (seeded) => ({ headers: { authorization: seeded.token }, requests: [getOneRequest(seeded)] }),
};
