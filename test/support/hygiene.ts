/**
 * Vitest setup file (runs before every test file): deadlines scaled to the machine, and every
 * child process a test started ended after it — in afterEach for children started by the test or
 * its beforeEach, in afterAll for those of beforeAll — even when an assertion failed.
 */
import { afterAll, afterEach, beforeEach, vi } from "vitest";
import { enterTest, leaveTest, stopChildren } from "./children.js";
import { BASE_TIMEOUT_MS, scaled } from "./timing.js";

// The config's testTimeout/hookTimeout are the quiet machine's figures.
vi.setConfig({ testTimeout: scaled(BASE_TIMEOUT_MS), hookTimeout: scaled(BASE_TIMEOUT_MS) });

/** A child the test asked to stop (SIGTERM) gets this long to finish its shutdown before SIGKILL. */
const GRACE_MS = 5_000;

beforeEach((ctx) => enterTest(ctx.task.fullTestName ?? ctx.task.name));

afterEach(async () => {
  await stopChildren("test", scaled(GRACE_MS));
  leaveTest();
});

afterAll(async () => {
  await stopChildren("all", scaled(GRACE_MS));
});
