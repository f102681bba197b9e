// A typical "recent paid orders" page: filter, sort by an indexed date, no total count.
const QUERY = new URLSearchParams({
  filter: "status = 'paid' && total > 100",
  sort: "-created",
  perPage: "30",
  skipTotal: "1",
}).toString();

export default {
  name: "list",
  describe:
    "GET /api/collections/orders/records?filter=…&sort=-created&perPage=30&skipTotal=1 (listRule applies)",
  requests: ({ token }) => ({
    method: "GET",
    paths: [`/api/collections/orders/records?${QUERY}`],
    headers: { authorization: token },
  }),
  check: (body) =>
    Array.isArray(body?.items) && body.items.length === 30 && body.totalItems === -1
      ? null
      : "not a full page of 30 items with totalItems -1",
};
