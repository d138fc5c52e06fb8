// Opens a table the bridge wrote with LanceDB's own SDK and runs a cosine vector search.
// Usage: node search.mjs <store dir> <table> <query vector JSON file> <k>
// Prints {"count", "embeddingFunctions", "hits": [{"id", "distance"}]} as JSON.
import * as lancedb from "@lancedb/lancedb";
import { readFileSync } from "node:fs";

const [storeDir, tableName, vectorFile, k] = process.argv.slice(2);
const db = await lancedb.connect(storeDir);
const table = await db.openTable(tableName);
const vector = JSON.parse(readFileSync(vectorFile, "utf8"));
const rows = await table.vectorSearch(vector).distanceType("cosine").limit(Number(k)).select(["id"]).toArray();
const schema = await table.schema();
console.log(JSON.stringify({
  tables: await db.tableNames(),
  count: await table.countRows(),
  embeddingFunctions: schema.metadata.get("embedding_functions") ?? null,
  hits: rows.map((row) => ({ id: row.id, distance: row._distance })),
}));
