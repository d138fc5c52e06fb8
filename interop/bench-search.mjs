// Times LanceDB's own TypeScript SDK searching a table the bridge wrote: the benchmark's peer, on the files
// (a store dir), or through the bridge itself as a remote LanceDB (its http:// URL: db:// with hostOverride).
// Usage: node bench-search.mjs <store dir | bridge URL> <table> <query vectors JSON file> <k> <warmup>
// The file holds an array of query vectors; prints {"latencies_ms": [...]} as JSON.
import * as lancedb from "@lancedb/lancedb";
import { readFileSync } from "node:fs";

const [storeDir, tableName, vectorsFile, k, warmup] = process.argv.slice(2);
const db = storeDir.startsWith("http")
  ? await lancedb.connect("db://bridge", { apiKey: process.env.BRIDGE_API_KEY ?? "none", hostOverride: storeDir })
  : await lancedb.connect(storeDir);
const table = await db.openTable(tableName);
const queries = JSON.parse(readFileSync(vectorsFile, "utf8"));
// brute force, as the bridge's and the in-process figures it is compared with (the table may have a vector index)
const search = (vector) => table.vectorSearch(vector).distanceType("cosine").bypassVectorIndex().limit(Number(k))
  .select(["id", "text"]).toArray();
for (let i = 0; i < Number(warmup); i++) {
  await search(queries[i % queries.length]);
}
const latencies = [];
for (const vector of queries) {
  const start = process.hrtime.bigint();
  const rows = await search(vector);
  latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (rows.length !== Number(k)) throw new Error(`expected ${k} hits, got ${rows.length}`);
}
console.log(JSON.stringify({ latencies_ms: latencies }));
