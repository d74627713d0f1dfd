import { describe, expect, it } from "vitest";
import { boundary } from "../http/boundary.js";
import { createBoundaryRequest } from "../http/boundary-request.js";
import { upload } from "./upload.js";

const encoder = new TextEncoder();

function requestWith(body: string | AsyncIterable<Uint8Array>, headers: Record<string, string> = {}) {
  return createBoundaryRequest({
    method: "POST",
    url: "https://api.example.com/imports",
    headers: { "content-type": "text/csv; charset=utf-8", ...headers },
    remoteAddress: "203.0.113.7",
    body: typeof body === "string" ? encoder.encode(body) : body,
  });
}

describe("upload guard", () => {
  it("puts a streamed import on the context; the handler iterates it and reads the summary", async () => {
    const events: string[] = [];
    const protect = boundary({ onEvent: (e) => events.push(e.type) }).use(upload({ format: "csv" }));
    const verdict = await protect(requestWith("a,b\n1,2\n3\n"));
    if (!verdict.ok) throw new Error("expected a pass");
    const { records, summary } = await verdict.value.upload.collect();
    expect(records).toEqual([{ a: "1", b: "2" }]);
    expect(summary).toMatchObject({ rows: 2, accepted: 1, rejected: 1, complete: true });
    expect(events).toContain("import_row_rejected");
  });

  it("does not read the body before the handler iterates (no buffering)", async () => {
    let pulled = 0;
    // Chunks of 17 000 bytes each holding one row (smaller chunks are joined up to 16 KiB before parsing).
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield encoder.encode(`${i === 0 ? "n\n" : ""}${"x".repeat(17_000)}\n`);
      }
    }
    const verdict = await boundary().use(upload({ format: "csv", name: "file" }))(requestWith(body()));
    if (!verdict.ok) throw new Error("expected a pass");
    expect(pulled).toBe(0);
    const seen: number[] = [];
    for await (const row of verdict.value.file) {
      seen.push(pulled);
      expect(row.record).toBeDefined();
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it("refuses a wrong media type (415) and a declared Content-Length over maxBytes (413) up front", async () => {
    const protect = boundary().use(upload({ format: "ndjson", limits: { maxBytes: 10 } }));
    const wrongType = await protect(requestWith("{}", { "content-type": "application/xml" }));
    expect(wrongType.ok ? 0 : wrongType.problem.status).toBe(415);
    const tooLong = await protect(
      requestWith("{}", { "content-type": "application/x-ndjson", "content-length": "11" }),
    );
    expect(tooLong.ok ? 0 : tooLong.problem.status).toBe(413);
  });

  it("ends the import with 413 when the streamed body outgrows maxBytes", async () => {
    const protect = boundary().use(upload({ format: "ndjson", limits: { maxBytes: 20 } }));
    const verdict = await protect(
      requestWith('{"a":1}\n{"a":2}\n{"a":3}\n', { "content-type": "application/x-ndjson" }),
    );
    if (!verdict.ok) throw new Error("expected a pass");
    const { records, summary } = await verdict.value.upload.collect();
    expect(records).toEqual([]);
    expect(summary.problem?.status).toBe(413);
  });
});
