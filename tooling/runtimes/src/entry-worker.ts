// Entry for Cloudflare workerd: a module worker answering with the results.
import { runConformance } from "./conformance.js";

export default {
  async fetch(): Promise<Response> {
    return Response.json(await runConformance());
  },
};
