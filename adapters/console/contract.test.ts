import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { consoleAdapter } from "./index.js";

describeAdapterContract({
  adapter: consoleAdapter,
  validConfig: { output: "stderr" },
  invalidConfigs: [
    { config: { output: "printer" }, path: "output" },
    { config: { width: 5 }, path: "width" },
  ],
  errorCases: [
    { name: "a full disk", error: () => Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" }), kind: "transient" },
    { name: "a folder that does not exist", error: () => Object.assign(new Error("ENOENT"), { code: "ENOENT" }), kind: "rejected" },
  ],
  // The console's "platform" is its JSON-lines file.
  async startLoopback() {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "crier-console-")), "posts.jsonl");
    return {
      cfg: { output: "stderr", file },
      verify(rendered, sent) {
        const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({ deliveryId: 1, remoteId: sent.remoteId, text: (rendered.payload as { text: string }).text });
      },
      close: async () => undefined,
    };
  },
});
