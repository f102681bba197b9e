// One order by id, picked at random from a pool so the database does not serve one hot row.
export default {
  name: "get-one",
  describe: "GET /api/collections/orders/records/:id as a signed-in user (viewRule applies)",
  requests: ({ token, orderIds }) => ({
    method: "GET",
    paths: orderIds.map((id) => `/api/collections/orders/records/${id}`),
    headers: { authorization: token },
  }),
  check: (body) =>
    typeof body?.id === "string" && body.collectionName === "orders" ? null : "not an order record",
};
