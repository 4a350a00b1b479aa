import { defineConfig } from "vitest/config";
import { BASE_TIMEOUT_MS } from "./test/support/timing.js";

/** Suites that start `crier` itself as a process (crash, chaos, WebSub, CLI): `npm run test:e2e`. */
const PROCESS_LEVEL = ["test/e2e/**/*.test.ts"];

export default defineConfig({
  test: {
    exclude: ["node_modules", "dist"],
    // Quiet-machine figures; test/support/hygiene.ts scales them to this machine for every file.
    testTimeout: BASE_TIMEOUT_MS,
    hookTimeout: BASE_TIMEOUT_MS,
    pool: "forks",
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/hygiene.ts"],
    projects: [
      {
        extends: true,
        test: {
          // Everything in-process: unit, contract, loopback, property, golden, docs, pipeline, corpus.
          name: "unit",
          // In-process suites leave no global state behind (checked: no module mocks, fake timers or
          // unrestored globals), so one worker runs many files: starting a fresh worker per file cost
          // more CPU than the tests themselves (measured: 158 s against 67 s of CPU for this project).
          isolate: false,
          maxWorkers: 2,
          include: ["src/**/*.test.ts", "adapters/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["node_modules", "dist", ...PROCESS_LEVEL],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          // Files run one at a time on 2 cores (Vitest's default there): each starts crier processes.
          include: PROCESS_LEVEL,
        },
      },
    ],
  },
});
