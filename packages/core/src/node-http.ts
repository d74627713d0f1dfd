// @goggles/core/node-http: the Node request conversion shared by the Node adapters. Named re-exports only.

export type { NodeHeaders, NodeIncomingMessage, NodeRequestInit } from "./node-http/node-request.js";
export { fromNodeRequest, hasBody, streamConsumed } from "./node-http/node-request.js";
export type { NodeServerResponse } from "./node-http/when-responded.js";
export { whenResponded } from "./node-http/when-responded.js";
