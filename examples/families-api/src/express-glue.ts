// TEMPORARY local Express glue, used only until @goggles/express (branch `adapters`) lands on main.
// It mirrors that package's `goggles(boundary)` API so the app switches by changing one import.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Boundary, createBoundaryRequest, problemResponse } from "@goggles/core";

type Next = (error?: unknown) => void;

export function goggles<Ctx extends object>(protect: Boundary<Ctx>) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const request = createBoundaryRequest({
      method: req.method ?? "GET",
      url: `http://${req.headers.host ?? "localhost"}${(req as { originalUrl?: string }).originalUrl ?? req.url}`,
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
      body: () => req,
    });
    protect(request).then(async (verdict) => {
      if (!verdict.ok) {
        const response = problemResponse(verdict.problem);
        res.statusCode = response.status;
        response.headers.forEach((value, name) => {
          res.setHeader(name, value);
        });
        res.end(await response.text());
        if (!req.readableEnded) req.resume();
        return;
      }
      for (const [name, value] of Object.entries(verdict.headers ?? {})) res.setHeader(name, value);
      (req as { goggles?: unknown }).goggles = verdict.value;
      res.on("finish", () => void verdict.after({ status: res.statusCode }).catch(() => {}));
      next();
    }, next);
  };
}
