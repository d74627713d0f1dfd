import { conformance, type StartServer } from "@goggles/conformance";
import Koa3 from "koa";
import Koa2 from "koa2";
import { goggles } from "../src/index.js";
import { listen } from "./serve.js";

for (const [name, Koa] of [
  ["Koa 3", Koa3],
  ["Koa 2", Koa2],
] as const) {
  const start: StartServer = (protect, handler) => {
    const app = new Koa();
    app.silent = true;
    app.use(goggles(protect, { onError: () => {} }));
    app.use((ctx) => {
      const answer = handler(ctx.state.goggles);
      ctx.status = answer.status;
      ctx.body = answer.body;
    });
    return listen(app.callback());
  };
  conformance(name, start);
}
