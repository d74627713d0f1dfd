import { conformance } from "@goggles/conformance";
import { withBoundary } from "../src/index.js";
import { serveFetch } from "./node-bridge.js";

conformance("fetch on node:http", (protect, handler) =>
  serveFetch(
    withBoundary(
      protect,
      (_request, context, _info: { remoteAddress: string | undefined }) => {
        const answer = handler(context);
        return Response.json(answer.body, { status: answer.status });
      },
      { getIp: (_request, info) => info.remoteAddress },
    ),
  ),
);
