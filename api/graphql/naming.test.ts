import { readFileSync } from "node:fs";
import { buildSchema, isInterfaceType, isObjectType } from "graphql/index.js";
import { describe, expect, test } from "vitest";
import { SCHEMA_FILE } from "../schemaText.js";
import { collidingNames, pascalCase, ponderTypeRenames } from "./naming.js";

describe("names client generators derive", () => {
  test.each([
    ["inference", "Inference"],
    ["trainingRunDatanet", "TrainingRunDatanet"],
    ["reward_claim", "RewardClaim"],
    ["Meta", "Meta"],
  ])("pascalCase(%s) = %s", (name, expected) => expect(pascalCase(name)).toBe(expected));

  test.each([
    [[{ name: "Account" }, { name: "account" }], [["Account", "account"]]],
    [[{ name: "InferencePage" }, { name: "inference_page" }], [["InferencePage", "inference_page"]]],
    [[{ name: "Datanet", fieldsWithArgs: ["contributions"] }, { name: "DatanetContributionsArgs" }], [["DatanetContributionsArgs", "DatanetContributionsArgs"]]],
    [[{ name: "Datanet", fieldsWithArgs: ["contributions"] }, { name: "DatanetRow", fieldsWithArgs: ["contributions"] }], []],
    [[{ name: "Account" }, { name: "AccountRow" }, { name: "__Type" }, { name: "__type" }], []],
  ])("collisions among %j: %j", (types, expected) => expect(collidingNames(types)).toEqual(expected));
});

test("Ponder's table types, pages and filters get one PascalCase name each; shared types stay", () => {
  const ponder = ["inference", "inferencePage", "inferenceFilter", "trainingRunDatanet", "trainingRunDatanetPage", "trainingRunDatanetFilter", "Meta", "PageInfo", "BigInt", "Account", "__Schema"];
  const renames = ponderTypeRenames(ponder, new Set(["Inference", "Account", "PageInfo", "BigInt"]), new Set(["PageInfo", "BigInt"]));
  expect(Object.fromEntries(renames)).toEqual({
    inference: "InferenceRow",
    inferencePage: "InferenceRowPage",
    inferenceFilter: "InferenceRowFilter",
    trainingRunDatanet: "TrainingRunDatanetRow",
    trainingRunDatanetPage: "TrainingRunDatanetRowPage",
    trainingRunDatanetFilter: "TrainingRunDatanetRowFilter",
    Account: "AccountRow",
  });
});

test("no two names of the published schema.graphql fold to one identifier (case, PascalCase, <Type><Field>Args)", () => {
  const schema = buildSchema(readFileSync(SCHEMA_FILE, "utf8"));
  const types = Object.values(schema.getTypeMap()).map((t) => ({
    name: t.name,
    fieldsWithArgs: isObjectType(t) || isInterfaceType(t) ? Object.values(t.getFields()).filter((f) => f.args.length).map((f) => f.name) : [],
  }));
  expect(collidingNames(types)).toEqual([]);
  // Every type, input and enum third parties see is PascalCase.
  expect(types.map((t) => t.name).filter((n) => !n.startsWith("__") && !/^[A-Z][A-Za-z0-9]*$/.test(n))).toEqual([]);
});
