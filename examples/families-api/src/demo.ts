// `pnpm demo`: starts the families API and a fake payment provider on 127.0.0.1, sends real attacks,
// outages and normal calls, and prints what goggles did. Exit code 0 only if every row matched.
import { type Row, runScenario } from "./scenario.js";
import { tableHeader, tableRow } from "./table.js";

const redisUrl = process.env.REDIS_URL ?? "";
console.log(
  `goggles demo: families API on 127.0.0.1, ${redisUrl ? `Redis stores (${redisUrl})` : "in-memory stores"}\n`,
);
console.log(tableHeader());
let index = 0;
const result = await runScenario({
  redisUrl,
  onRow: (row: Row) => console.log(tableRow(row, index++)),
});
const failed = result.rows.filter((row) => !row.ok).length;
console.log(
  `\n${result.rows.length - failed}/${result.rows.length} rows as expected · ${result.stores} stores · ${(result.ms / 1000).toFixed(1)} s`,
);
process.exitCode = failed === 0 ? 0 : 1;
