import { parse } from "graphql";
import { describe, expect, test } from "vitest";
import { fixedBlockOf } from "./fixedBlock.js";

describe("fixedBlockOf: an operation pinned to one block can be cached under the question alone", () => {
  test.each([
    { q: `{ modelLineage(modelId: 1, block: { number: 120 }) { modelId } }`, v: {}, expected: 120n },
    { q: `{ modelLineage(modelId: 1, block: { number: "120" }) { modelId } }`, v: {}, expected: 120n },
    { q: `query($b: BlockHeight) { modelLineage(modelId: 1, block: $b) { modelId } }`, v: { b: { number: 7n } }, expected: 7n },
    { q: `query($n: BigInt) { modelLineage(modelId: 1, block: { number: $n }) { modelId } }`, v: { n: 9n }, expected: 9n },
    { q: `{ a: modelLineage(modelId: 1, block: { number: 5 }) { modelId } b: network(block: { number: 5 }) { inferences } __typename }`, v: {}, expected: 5n },
    { q: `{ modelLineage(modelId: 1) { modelId } }`, v: {}, expected: null },
    { q: `query($b: BlockHeight) { modelLineage(modelId: 1, block: $b) { modelId } }`, v: { b: null }, expected: null },
    { q: `{ modelLineage(modelId: 1, block: { hash: "0xab" }) { modelId } }`, v: {}, expected: null },
    { q: `query($b: BlockHeight) { modelLineage(modelId: 1, block: $b) { modelId } }`, v: { b: { hash: "0xab" } }, expected: null },
    { q: `{ a: modelLineage(modelId: 1, block: { number: 5 }) { modelId } b: modelLineage(modelId: 2, block: { number: 6 }) { modelId } }`, v: {}, expected: null },
    { q: `{ a: modelLineage(modelId: 1, block: { number: 5 }) { modelId } b: network { inferences } }`, v: {}, expected: null },
    { q: `{ ...F } fragment F on Query { modelLineage(modelId: 1, block: { number: 5 }) { modelId } }`, v: {}, expected: null },
  ])("$q → $expected", ({ q, v, expected }) => {
    expect(fixedBlockOf(parse(q), undefined, v as Record<string, unknown>)).toBe(expected);
  });

  test("picks the named operation", () => {
    const doc = parse(`query A { network(block: { number: 3 }) { inferences } } query B { network { inferences } }`);
    expect(fixedBlockOf(doc, "A", {})).toBe(3n);
    expect(fixedBlockOf(doc, "B", {})).toBeNull();
    expect(fixedBlockOf(doc, undefined, {})).toBeNull();
  });
});
