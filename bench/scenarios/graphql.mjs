// The list scenario's page over GraphQL, with one relation level: each order's customer through
// `expand`. The baseline answers the same POST with the same two queries and no GraphQL engine, so
// the ratio is what the GraphQL layer (parse cache, limits, resolvers, serialization) costs on top.
import { LIST_QUERY } from "./list.mjs";

export const GRAPHQL_QUERY = `{ orders(filter: ${JSON.stringify(LIST_QUERY.filter)}, sort: "${LIST_QUERY.sort}", perPage: ${LIST_QUERY.perPage}, skipTotal: true) { items { id status total created expand { customer { id name } } } } }`;

export default {
  name: "graphql",
  describe:
    "POST /api/graphql: the list page with expand { customer } (listRule and customers' viewRule apply)",
  load: ({ token }) => ({
    headers: { authorization: token },
    requests: [
      {
        method: "POST",
        paths: ["/api/graphql"],
        bodies: [JSON.stringify({ query: GRAPHQL_QUERY })],
        check: (body) => {
          const items = body?.data?.orders?.items;
          if (!Array.isArray(items) || items.length !== 30) return "not a page of 30 orders";
          return items.every((item) => typeof item.expand?.customer?.name === "string")
            ? null
            : "an item without expand.customer";
        },
      },
    ],
  }),
};
