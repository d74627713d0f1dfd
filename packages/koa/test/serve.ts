import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningServer } from "@goggles/conformance";

/** Serves a Node request listener on 127.0.0.1 on a free port; `close()` also ends kept-alive sockets. */
export function listen(listener: Parameters<typeof createServer>[1]): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server = createServer(listener);
    server.listen(0, "127.0.0.1", () => {
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
