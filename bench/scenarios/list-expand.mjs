// The list page with each order's customer expanded: one more query for the page's customers.
import { LIST_QUERY } from "./list.mjs";
import { isFullPage, ORDERS } from "./shared.mjs";

const QUERY = new URLSearchParams({ ...LIST_QUERY, expand: "customer" }).toString();

export default {
  name: "list-expand",
  describe: "the list page with expand=customer (customers' viewRule applies to the expanded records)",
  load: ({ token }) => ({
    headers: { authorization: token },
    requests: [
      {
        method: "GET",
        paths: [`${ORDERS}?${QUERY}`],
        check: (body) =>
          isFullPage(body) ??
          (body.items.every((item) => item.expand?.customer?.collectionName === "customers")
            ? null
            : "an item without expand.customer"),
      },
    ],
  }),
};
