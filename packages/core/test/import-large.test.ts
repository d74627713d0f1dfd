import { importRecords } from "@goggles/core";
import { describe, expect, it } from "vitest";

// 100 MB (about 2 s here); GOGGLES_IMPORT_MB=20 makes it smaller on a very slow machine.
const megabytes = Number(process.env.GOGGLES_IMPORT_MB ?? 100);

/** One 64 KiB-ish chunk of complete rows, yielded again and again: the file never exists in memory. */
function chunkOfRows(): { bytes: Uint8Array; rows: number } {
  const lines: string[] = [];
  let size = 0;
  let i = 0;
  while (size < 64 * 1024) {
    const line = `${i},"Family ${i}, of ""Springfield""",user${i}@example.com,${(i * 7) % 1000}.${i % 100}\r\n`;
    lines.push(line);
    size += line.length;
    i++;
  }
  return { bytes: new TextEncoder().encode(lines.join("")), rows: lines.length };
}

describe("a large CSV import", () => {
  it(`streams ${megabytes} MB with bounded memory`, async () => {
    const { bytes, rows: rowsPerChunk } = chunkOfRows();
    const chunks = Math.ceil((megabytes * 1024 * 1024) / bytes.length);
    const samples: number[] = [];
    async function* file(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode("id,name,email,score\r\n");
      for (let c = 0; c < chunks; c++) {
        if (c % 64 === 0) samples.push(process.memoryUsage().heapUsed);
        yield bytes;
      }
    }
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const imported = importRecords(file(), {
      format: "csv",
      limits: { maxBytes: 200 * 1024 * 1024, maxRows: 10_000_000 },
    });
    let accepted = 0;
    for await (const row of imported) if (row.ok) accepted++;
    const seconds = (performance.now() - started) / 1000;
    const summary = await imported.summary;
    const heapPeak = Math.max(...samples, process.memoryUsage().heapUsed) - heapBefore;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `import of ${mb(summary.bytes)} MB (${summary.rows} rows) in ${seconds.toFixed(1)} s: ` +
        `peak heap growth ${mb(heapPeak)} MB, RSS growth ${mb(rssGrowth)} MB`,
    );
    expect(summary).toMatchObject({ complete: true, rejected: 0, rows: chunks * rowsPerChunk });
    expect(accepted).toBe(chunks * rowsPerChunk);
    // The file is never held (as text it would take twice its size): heap growth stays under a fixed 32 MB
    // whatever the file size, as rows become garbage once consumed.
    expect(heapPeak).toBeLessThan(32 * 1024 * 1024);
  });
});
