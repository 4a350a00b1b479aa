import { describe, expect, it } from "vitest";
import { commandInArgv } from "./command-in-argv.js";

const NAMES = new Set(["poll", "feeds", "feed", "validate"]);

describe("commandInArgv: the one command an argv runs, or undefined (then every command is defined)", () => {
  it.each([
    [["feeds"], "feeds"],
    [["poll", "--once", "--json"], "poll"],
    [["-c", "config/x.yaml", "validate"], "validate"],
    [["--config", "feeds", "poll"], "poll"], // "feeds" is --config's value here
    [["--config=x.yaml", "feed", "list"], "feed"],
    [["-cx.yaml", "deliveries"], undefined], // not one of NAMES
    [["-cx.yaml", "feeds"], "feeds"],
    [["-c", "x.yaml", "feeds", "--bogus"], "feeds"], // the command's own options are commander's to judge
    [[], undefined],
    [["-c", "x.yaml"], undefined],
    [["-c"], undefined],
    [["--help"], undefined],
    [["-h", "feeds"], undefined],
    [["--version"], undefined],
    [["-V", "feeds"], undefined],
    [["--", "feeds"], undefined],
    [["--bogus", "feeds"], undefined],
    [["help", "feeds"], undefined],
    [["feds"], undefined],
    [["constructor"], undefined],
  ] as Array<[string[], string | undefined]>)("%j -> %s", (args, expected) => {
    expect(commandInArgv(args, NAMES)).toBe(expected);
  });
});
