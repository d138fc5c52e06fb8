// The hand-written pipeline a user could write instead of running the bridge: the benchmark's peer.
// NATS JS client, durable pull consumer, batched fetch; LanceDB's TypeScript SDK mergeInsert on id,
// guarded by stream_seq like the bridge's; every message acked after the commit that holds it.
// Usage: node peer-pipeline.mjs <nats url> <store dir> <events expected> <batch size> [acks before the timed window, 10000]
// Prints {"events", "seconds", "eventsPerSecond", "timed"} once every event is acked; "timed" is the rate
// from the given ack on (past the warm-up, the bridge's drain is timed from the same ack).
import { connect, AckPolicy } from "nats";
import * as lancedb from "@lancedb/lancedb";

const [url, storeDir, expectedArg, batchArg, warmUpArg] = process.argv.slice(2);
const warmUp = Number(warmUpArg ?? 10_000);
const expected = Number(expectedArg);
const batch = Number(batchArg);

const nc = await connect({ servers: url });
const jsm = await nc.jetstreamManager();
await jsm.consumers.add("EVENTS", { durable_name: "peer", ack_policy: AckPolicy.Explicit, max_ack_pending: 4 * batch });
const consumer = await nc.jetstream().consumers.get("EVENTS", "peer");
const db = await lancedb.connect(storeDir);
let table = null;

let acked = 0;
let start = null;
let warm = null;
while (acked < expected) {
  const messages = [];
  const fetched = await consumer.fetch({ max_messages: batch, expires: 1000 });
  for await (const m of fetched) {
    messages.push(m);
  }
  if (messages.length === 0) {
    continue;
  }
  start ??= process.hrtime.bigint();
  // the newest change per id, as a merge-insert must see each key once
  const newest = new Map();
  for (const m of messages) {
    const event = m.json();
    const row = { id: event.id, text: event.text, vector: event.vector, stream_seq: m.seq };
    const seen = newest.get(row.id);
    if (!seen || seen.stream_seq < row.stream_seq) {
      newest.set(row.id, row);
    }
  }
  const rows = [...newest.values()];
  if (table === null) {
    table = await db.createTable("events", rows);
  } else {
    await table.mergeInsert("id")
      .whenMatchedUpdateAll({ where: "source.stream_seq > target.stream_seq" })
      .whenNotMatchedInsertAll()
      .execute(rows);
  }
  for (const m of messages) {
    m.ack();
  }
  const before = acked;
  acked += messages.length;
  if (before < warmUp && acked >= warmUp) {
    warm = { at: process.hrtime.bigint(), acked };
  }
}
await nc.flush();
const end = process.hrtime.bigint();
const seconds = Number(end - start) / 1e9;
const timed = warm && acked > warm.acked ? (acked - warm.acked) / (Number(end - warm.at) / 1e9) : null;
console.log(JSON.stringify({ events: acked, seconds, eventsPerSecond: acked / seconds, timed }));
await nc.close();
