import { connect } from "@junction/sdk";

const client = await connect(process.env.NATS_URL ?? "nats://127.0.0.1:4222");

// A service: queue group "junction", at most 64 handlers at once, `{lang}` captured from the subject.
await client.serve<{ name: string }>("greet.{lang}", (ctx) => ({
  text: `${ctx.captures.lang === "fr" ? "Bonjour" : "Hello"}, ${ctx.data.name}`,
}));

// A client: one deadline across retries, retries only where safe, a circuit breaker per subject.
const reply = await client.request<{ text: string }>("greet.fr", { name: "Ada" }, { timeoutMs: 2000 });
console.log(reply.decode().text, reply.identity.correlationId);
await client.drain();
