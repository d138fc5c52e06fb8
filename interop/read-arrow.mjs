// Reads the bridge's Arrow IPC search answer with Apache Arrow JS, as a data tool would.
// Usage: node read-arrow.mjs <search URL> <request body JSON file>
// Prints {"metadata", "columns", "hits": [{"id", "distance"}]} as JSON.
import { tableFromIPC } from "apache-arrow";
import { readFileSync } from "node:fs";

const [url, bodyFile] = process.argv.slice(2);
const response = await fetch(url, {
  method: "POST",
  headers: { "Content-Type": "application/json", Accept: "application/vnd.apache.arrow.stream" },
  body: readFileSync(bodyFile, "utf8"),
});
if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
console.log(JSON.stringify({
  metadata: Object.fromEntries(table.schema.metadata),
  columns: table.schema.fields.map((f) => f.name),
  hits: table.toArray().map((row) => ({ id: row.id, distance: row._distance })),
}));
