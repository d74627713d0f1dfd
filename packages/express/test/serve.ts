import type { AddressInfo } from "node:net";
import type { RunningServer } from "@goggles/conformance";
import type { Express } from "express";

/** Listens on 127.0.0.1 on a free port; `close()` also ends kept-alive sockets. */
export function listen(app: Express): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
