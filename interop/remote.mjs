// LanceDB's TypeScript SDK against the bridge as a remote LanceDB (db:// with hostOverride), as a user would connect.
// Usage: node remote.mjs <bridge url> <api key> <table>
// Prints what each call answered (or the error the SDK raised) as JSON.
import * as lancedb from "@lancedb/lancedb";

const [url, apiKey, tableName] = process.argv.slice(2);
const db = await lancedb.connect("db://bridge", { apiKey, hostOverride: url });
const out = {};
const attempt = async (name, call) => {
  try {
    out[name] = await call();
  } catch (e) {
    out[name] = { error: String(e.message ?? e) };
  }
};
const plain = (rows) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) =>
  [k, typeof v === "bigint" ? Number(v) : v?.toArray ? Array.from(v.toArray()) : v])));

await attempt("tableNames", () => db.tableNames());
const table = await db.openTable(tableName);
await attempt("countRows", () => table.countRows());
await attempt("countRowsFiltered", () => table.countRows("id IN ('r1', 'r2')"));
await attempt("schema", async () => (await table.schema()).fields.map((f) => `${f.name}:${f.type}`));
await attempt("version", () => table.version());
const r1 = await table.query().where("id = 'r1'").select(["id", "vector"]).toArray();
const vector = Array.from(r1[0].vector.toArray());
out.queryVector = vector;
await attempt("nearest10", async () => plain(await table.vectorSearch(vector).limit(10).select(["id"]).toArray()).map((r) => r.id));
await attempt("hybrid", async () => plain(await table.query().nearestTo(vector).fullTextSearch("fox").limit(3).select(["id"]).toArray()));
await attempt("nearest", async () => plain(await table.vectorSearch(vector).limit(3).select(["id", "text"]).withRowId().toArray()));
await attempt("nearestFiltered", async () => plain(await table.vectorSearch(vector).where("id <> 'r1'").limit(2).select(["id"]).toArray()));
await attempt("plain", async () => plain(await table.query().where("id LIKE 'r%'").select(["id"]).limit(2).offset(1).toArray()));
await attempt("allColumns", async () => Object.keys((await table.query().limit(1).toArray())[0]));
await attempt("fullText", async () => plain(await table.search("fox", "fts").limit(3).select(["id"]).toArray()));
await attempt("indices", async () => (await table.listIndices()).map((i) => ({ name: i.name, type: i.indexType, columns: i.columns })));
await attempt("versions", async () => (await table.listVersions()).map((v) => v.version));
await attempt("l2", () => table.vectorSearch(vector).distanceType("l2").limit(1).toArray());
// writes become events: visible once the bridge commits them (within a second or so)
const until = async (what, test) => {
  for (let i = 0; i < 200; i++) {
    if (await test()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not seen within 20 s`);
};
await attempt("add", async () => {
  const answer = await table.add([{ id: "w1", text: "a grey wolf howls" }, { id: "w2", text: "wolves hunt in packs", vector }]);
  await until("add", async () => (await table.countRows("id IN ('w1', 'w2')")) === 2);
  return answer;
});
await attempt("addedVector", async () => plain(await table.vectorSearch(vector).where("id = 'w2'").select(["id"]).toArray()));
await attempt("mergeInsert", async () => {
  const answer = await table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll()
    .execute([{ id: "r2", text: "a large brown bear wakes up" }, { id: "w3", text: "an owl at dusk" }]);
  await until("mergeInsert", async () => (await table.countRows("text = 'a large brown bear wakes up' OR id = 'w3'")) === 2);
  return answer;
});
await attempt("deleteWhere", async () => {
  const answer = await table.delete("id IN ('w1', 'r4')");
  await until("delete", async () => (await table.countRows("id IN ('w1', 'r4')")) === 0);
  return answer;
});
await attempt("countAfterWrites", () => table.countRows());
await attempt("checkout", async () => {
  const before = out.version;
  await table.checkout(before);
  const counted = await table.countRows();
  const found = plain(await table.query().where("id = 'w2'").select(["id"]).toArray()).length;
  await table.checkoutLatest();
  return { version: before, counted, found, latest: await table.countRows() };
});
await attempt("addUnknownColumn", () => table.add([{ id: "w9", text: "x", colour: "red" }]));
await attempt("addWithoutId", () => table.add([{ text: "no id" }]));
await attempt("mergeOnText", () => table.mergeInsert("text").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([{ id: "w9", text: "x" }]));
await attempt("update", () => table.update({ where: "id = 'r5'", values: { text: "changed" } }));
await attempt("unknownTable", async () => (await db.openTable("nope")).countRows());
const stranger = await lancedb.connect("db://bridge", { apiKey: "wrong-key", hostOverride: url });
await attempt("wrongKey", () => stranger.tableNames());
console.log(JSON.stringify(out));
