import { it } from "vitest";
import dns from "node:dns";
const f = dns.lookup;
(dns as any).lookup = function (...a: any[]) { if (a[0] === "localhost") console.log("LOOKUP localhost", new Error().stack?.split("\n").slice(1, 25).join("\n")); return (f as any).apply(this, a); };
it("dns", async () => {
  const { startBlueskyPds } = await import("./server.js");
  const pds = await startBlueskyPds();
  await pds.close();
});
