import { describe, expect, it } from "vitest";
import { toHashtags } from "./hashtags.js";

describe("toHashtags", () => {
  it.each<[string, string[], number | undefined, string[]]>([
    ["one word", ["News"], undefined, ["#News"]],
    ["words joined in CamelCase", ["Local politics"], undefined, ["#LocalPolitics"]],
    ["Cyrillic kept", ["Образование"], undefined, ["#Образование"]],
    ["Kazakh letters kept", ["Қазақстан жаңалықтары"], undefined, ["#ҚазақстанЖаңалықтары"]],
    ["Latin with accents", ["état civil"], undefined, ["#ÉtatCivil"]],
    ["decomposed accent stays on its letter", ["e\u0301tat civil"], undefined, ["#E\u0301tatCivil"]],
    ["Devanagari vowel signs kept", ["समाचार"], undefined, ["#समाचार"]],
    ["CJK", ["中文 新闻"], undefined, ["#中文新闻"]],
    ["punctuation removed", ["C++ & Rust!"], undefined, ["#CRust"]],
    ["hyphen splits words", ["e-mail"], undefined, ["#EMail"]],
    ["digits inside kept", ["COVID-19"], undefined, ["#COVID19"]],
    ["underscore kept", ["snake_case"], undefined, ["#Snake_case"]],
    ["digits only dropped", ["2024", "News"], undefined, ["#News"]],
    ["digits and punctuation only dropped", ["2024-05", "_"], undefined, []],
    ["punctuation only dropped", ["!!!", "&"], undefined, []],
    ["dedupe is case-insensitive", ["Local politics", "local Politics", "LOCALPOLITICS"], undefined, ["#LocalPolitics"]],
    ["dedupe after punctuation", ["C++", "c"], undefined, ["#C"]],
    ["default max is 3", ["a", "b", "c", "d"], undefined, ["#A", "#B", "#C"]],
    ["max counts unique tags", ["a", "A", "b", "c"], 2, ["#A", "#B"]],
    ["dropped tags do not count", ["2024", "a", "b"], 2, ["#A", "#B"]],
    ["max 0 gives none", ["a", "b"], 0, []],
    ["empty", [], undefined, []],
  ])("%s", (_name, categories, max, expected) => {
    expect(max === undefined ? toHashtags(categories) : toHashtags(categories, max)).toEqual(expected);
  });
});

import { mapCategories } from "./hashtags.js";
describe("mapCategories", () => {
  it.each<[string[], Record<string, string>, string[], string[]]>([
    [["Local politics", "Uncategorized"], {}, ["uncategorized"], ["Local politics"]],
    [["Local politics"], { "local POLITICS": "Politics" }, [], ["Politics"]],
    [["Sport", "Ads"], { ads: "" }, [], ["Sport"]],
    [["Қоғам"], { "қоғам": "Society" }, [], ["Society"]],
  ])("%j with map %j and ignore %j", (categories, map, ignore, expected) => {
    expect(mapCategories(categories, map, ignore)).toEqual(expected);
  });
});
