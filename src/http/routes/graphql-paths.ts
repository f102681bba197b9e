/** Where GraphQL is served: over HTTP, and its subscriptions over WebSocket. */
export const GRAPHQL_PATH = "/api/graphql";
export const GRAPHQL_WS_PATH = "/api/graphql/ws";
