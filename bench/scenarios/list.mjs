// A typical "recent paid orders" page: filter, sort by an indexed date, no total count.
import { isFullPage, ORDERS } from "./shared.mjs";

export const LIST_QUERY = {
  filter: "status = 'paid' && total > 100",
  sort: "-created",
  perPage: "30",
  skipTotal: "1",
};

export const listRequest = () => ({
  method: "GET",
  paths: [`${ORDERS}?${new URLSearchParams(LIST_QUERY)}`],
  check: isFullPage,
});

export default {
  name: "list",
  describe:
    "GET /api/collections/orders/records?filter=…&sort=-created&perPage=30&skipTotal=1 (listRule applies)",
  load: ({ token }) => ({ headers: { authorization: token }, requests: [listRequest()] }),
};
