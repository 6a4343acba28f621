import { expect, test } from "vitest";
import { isAddress, isHash, isId } from "./params";

const a40 = "0x" + "aB".repeat(20);
const h64 = "0x" + "0f".repeat(32);

test.each<[string, boolean, boolean, boolean]>([
  // value, isId, isAddress, isHash
  ["0", true, false, false],
  ["42", true, false, false],
  ["9".repeat(78), true, false, false],
  ["9".repeat(79), false, false, false],
  ["", false, false, false],
  ["-1", false, false, false],
  ["1.5", false, false, false],
  [" 7", false, false, false],
  ["٣", false, false, false],
  [a40, false, true, false],
  [a40.slice(0, -1), false, false, false],
  [a40 + "0", false, false, false],
  ["0X" + "ab".repeat(20), false, false, false],
  [h64, false, false, true],
  [h64 + "\n", false, false, false],
  ["0x" + "g".repeat(64), false, false, false],
])("%j: id %s, address %s, hash %s", (value, id, address, hash) => {
  expect([isId(value), isAddress(value), isHash(value)]).toEqual([id, address, hash]);
});
