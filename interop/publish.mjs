// Publishes to JetStream with the NATS JS client, as a user's producer written in another language would.
// Usage: node publish.mjs <nats url> <messages JSON file>
// The file holds [{"subject", "data", "headers": {"name": "value"}}]; every value is sent exactly as given.
// Prints {"published": [{"stream", "seq"}]} as JSON.
import { connect, headers as natsHeaders } from "nats";
import { readFileSync } from "node:fs";

const [url, file] = process.argv.slice(2);
const messages = JSON.parse(readFileSync(file, "utf8"));
const nc = await connect({ servers: url });
const js = nc.jetstream();
const published = [];
for (const message of messages) {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    h.append(name, value);
  }
  const ack = await js.publish(message.subject, new TextEncoder().encode(message.data), { headers: h });
  published.push({ stream: ack.stream, seq: ack.seq });
}
await nc.drain();
console.log(JSON.stringify({ published }));
