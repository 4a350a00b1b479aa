import { describe, expect, it } from "vitest";
import { commanderWidth, mayAskForHelp, prebuiltHelpFor, type PrebuiltHelp } from "./prebuilt-help.js";

const HELP: PrebuiltHelp = {
  width: 80,
  texts: ["Usage: crier [options] [command]\n", "Usage: crier feed [options] [command]\n"],
  forms: [
    { args: ["--help"], stream: "stdout", code: 0, text: 0 },
    { args: [], stream: "stderr", code: 2, text: 0 },
    { args: ["feed", "help"], stream: "stdout", code: 0, text: 1 },
  ],
};

describe("prebuiltHelpFor", () => {
  it.each([
    { args: ["--help"], width: 80, out: { stream: "stdout", code: 0, text: HELP.texts[0] } },
    { args: [], width: 80, out: { stream: "stderr", code: 2, text: HELP.texts[0] } },
    { args: ["feed", "help"], width: 80, out: { stream: "stdout", code: 0, text: HELP.texts[1] } },
    // Rendered at 80 columns: another width is commander's to wrap.
    { args: ["--help"], width: 120, out: undefined },
    { args: ["--help"], width: 0, out: undefined },
    // Only the exact argv: one argument holding a space, an extra option, another order.
    { args: ["feed help"], width: 80, out: undefined },
    { args: ["--help", "--json"], width: 80, out: undefined },
    { args: ["help", "feed"], width: 80, out: undefined },
    { args: ["-c", "x.yaml", "--help"], width: 80, out: undefined },
  ])("$args at $width columns", ({ args, width, out }) => {
    expect(prebuiltHelpFor(HELP, args, () => width)).toEqual(out);
  });

  it("asks the width of the stream the form prints on", () => {
    const asked: string[] = [];
    prebuiltHelpFor(HELP, [], (stream) => (asked.push(stream), 80));
    expect(asked).toEqual(["stderr"]);
  });
});

describe("commanderWidth: what commander wraps help to", () => {
  it.each([
    { stream: { isTTY: false, columns: 120 }, width: 80 },
    { stream: {}, width: 80 },
    { stream: { isTTY: true, columns: 120 }, width: 120 },
    { stream: { isTTY: true, columns: 80 }, width: 80 },
    { stream: { isTTY: true }, width: 80 },
  ])("$stream -> $width", ({ stream, width }) => {
    expect(commanderWidth(stream)).toBe(width);
  });
});

describe("mayAskForHelp: which argv are worth reading the help file for", () => {
  it.each([
    { args: [], may: true },
    { args: ["--help"], may: true },
    { args: ["feed", "help", "accept"], may: true },
    { args: ["run", "-h"], may: true },
    { args: ["validate"], may: true },
    { args: ["-c", "crier.yaml", "poll", "--once"], may: false },
    { args: ["poll", "--once"], may: false },
    { args: ["--version"], may: false },
  ])("$args -> $may", ({ args, may }) => {
    expect(mayAskForHelp(args)).toBe(may);
  });
});
