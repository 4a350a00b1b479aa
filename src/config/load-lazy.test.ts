import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { consoleAdapter } from "../../adapters/console/index.js";
import type { AnyAdapter } from "../core/adapter.js";
import { ConfigError, loadConfigFrom, type AdapterLoaders } from "./load.js";

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A config file in a fresh folder. */
function configFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-lazy-"));
  dirs.push(dir);
  const file = path.join(dir, "crier.yaml");
  writeFileSync(file, text);
  return file;
}

/** Loaders for console and two more platforms; `loaded` records which were asked for. */
function loaders(loaded: string[]): AdapterLoaders {
  const as = (platform: string): (() => Promise<AnyAdapter>) => async () => {
    loaded.push(platform);
    return { ...consoleAdapter, platform };
  };
  return new Map([["console", as("console")], ["echo", as("echo")], ["shout", as("shout")]]);
}

describe("loadConfigFrom: only the adapters the config names are loaded", () => {
  it.each([
    ["one platform, twice", ["console", "console"], ["console"]],
    ["two of three", ["echo", "console"], ["console", "echo"]],
    ["none", [], []],
  ])("%s", async (_, platforms, expected) => {
    const loaded: string[] = [];
    const entries = platforms.map((p, i) => `  - { id: d${i}, platform: ${p}, output: stderr }\n`).join("");
    const file = configFile(entries ? `destinations:\n${entries}` : "destinations: []\n");
    const config = await loadConfigFrom(file, { env: {}, adapters: { loaders: loaders(loaded) } });
    expect(config.destinations.map((d) => d.platform)).toEqual(platforms);
    expect(loaded.sort()).toEqual(expected);
  });

  it("an unknown platform loads nothing and is refused naming every installed platform", async () => {
    const loaded: string[] = [];
    const file = configFile("destinations:\n  - { id: d0, platform: mastodn }\n");
    const err = await loadConfigFrom(file, { env: {}, adapters: { loaders: loaders(loaded) } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.stringContaining('unknown platform "mastodn" (installed: console, echo, shout)')]);
    expect(loaded).toEqual([]);
  });
});
