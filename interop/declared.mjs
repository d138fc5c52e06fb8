// Opens a table with declared columns with LanceDB's own SDK: its schema, the embedding function
// its metadata names, a filtered query on typed columns, and a vector search.
// Usage: node declared.mjs <store dir> <table> <filter> <query vector JSON file>
// Prints {"fields": {name: type}, "function": {...}, "filtered": [{...}], "nearest": "<id>"} as JSON.
import * as lancedb from "@lancedb/lancedb";
import { readFileSync } from "node:fs";

const [storeDir, tableName, filter, vectorFile] = process.argv.slice(2);
const db = await lancedb.connect(storeDir);
const table = await db.openTable(tableName);
const schema = await table.schema();
const fields = Object.fromEntries(schema.fields.map((field) => [field.name, String(field.type)]));
const functions = JSON.parse(schema.metadata.get("embedding_functions") ?? "[]");
const filtered = await table.query().where(filter).select(["id", "total", "tags", "paid"]).toArray();
const vector = JSON.parse(readFileSync(vectorFile, "utf8"));
const nearest = await table.vectorSearch(vector).distanceType("cosine").limit(1).select(["id"]).toArray();
console.log(JSON.stringify({
  fields,
  function: functions[0] ?? null,
  filtered: filtered.map((row) => ({ id: row.id, total: row.total, tags: row.tags ? [...row.tags] : null, paid: row.paid })),
  nearest: nearest[0]?.id ?? null,
}));
