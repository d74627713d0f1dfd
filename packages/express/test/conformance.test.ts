import { conformance, type StartServer } from "@goggles/conformance";
import express5 from "express";
import express4 from "express4";
import { goggles } from "../src/index.js";
import { listen } from "./serve.js";

for (const [name, express] of [
  ["Express 5", express5],
  ["Express 4", express4],
] as const) {
  const start: StartServer = (protect, handler) => {
    const app = express();
    app.use(goggles(protect, { onError: () => {} }));
    app.all(/.*/, (req, res) => {
      const answer = handler(req.goggles);
      res.status(answer.status).json(answer.body);
    });
    return listen(app);
  };
  conformance(name, start);
}
