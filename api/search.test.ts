import { expect, test } from "vitest";
import { classifySearch, escapeLike, matchQuality, score } from "./search.js";

const addr = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const hash = `0x${"Ab".repeat(32)}`;

test.each([
  [addr, ["address"]],
  [hash, ["hash"]],
  ["0x7099", ["hexPrefix"]],
  ["42", ["id", "text"]],
  ["#42", ["id", "text"]],
  ["3:2", ["run", "text"]],
  ["3/v2", ["run", "text"]],
  ["llama", ["text"]],
  ["0", ["text"]],
  ["0x", ["text"]],
])("reads %j as %j", (input, kinds) => {
  expect(classifySearch(input).map((i) => i.kind)).toEqual(kinds);
});

test("normalises addresses and hashes to lowercase", () => {
  expect(classifySearch(addr)[0]).toEqual({ kind: "address", address: addr.toLowerCase() });
  expect(classifySearch(hash)[0]).toEqual({ kind: "hash", hash: hash.toLowerCase() });
});

test.each([
  ["Llama", "llama", 3],
  ["Llama 3", "llama", 2],
  ["Big Llama", "llama", 1],
  ["Mistral", "llama", 0],
])("matchQuality(%j, %j) = %s", (value, query, q) => {
  expect(matchQuality(value, query)).toBe(q);
});

test("ranks exact before prefix before substring, whatever the kind or popularity", () => {
  expect(score(3, "CLAIM", 0)).toBeGreaterThan(score(2, "ACCOUNT", 1e30));
  expect(score(2, "CONTRIBUTION", 0)).toBeGreaterThan(score(1, "ACCOUNT", 1e30));
  expect(score(2, "MODEL", 100)).toBeGreaterThan(score(2, "MODEL", 1));
});

test.each([
  ["100%", "100\\%"],
  ["a_b", "a\\_b"],
  ["back\\slash", "back\\\\slash"],
])("escapeLike(%j) = %j", (input, out) => {
  expect(escapeLike(input)).toBe(out);
});
