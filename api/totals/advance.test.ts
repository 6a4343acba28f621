import { describe, expect, test } from "vitest";
import { Advancer, checkpointBlock, type Writer } from "./advance.js";

/** A writer that answers Ponder's metadata and checkpoint and records every statement. */
function fakeWriter(state: { ready: string | null; checkpoint: string | null }) {
  const statements: string[] = [];
  const query = async <T>(text: string): Promise<T[]> => {
    statements.push(text);
    if (text.includes("_ponder_meta")) return [{ r: state.ready }] as T[];
    if (text.includes("_ponder_checkpoint")) return [{ c: state.checkpoint }] as T[];
    if (text.includes(`"r_meta"`) && text.startsWith("SELECT watermark")) return [{ w: "-1" }] as T[];
    return [];
  };
  const writer: Writer = { query, transaction: (work) => work(query) };
  return { writer, statements };
}

// Ponder's checkpoint: 10 digits of timestamp, 16 of chain id, 16 of block number, then the rest.
const checkpointAt = (block: number) => `${"1".padStart(10, "0")}${"31337".padStart(16, "0")}${String(block).padStart(16, "0")}${"0".repeat(33)}`;

describe("the rollup advancer", () => {
  test("reads the block of Ponder's checkpoint", () => {
    expect(checkpointBlock(checkpointAt(684))).toBe(684n);
  });

  test("waits until Ponder has finished its backfill and created its indexes, then advances over the finalized blocks", async () => {
    const state = { ready: "0" as string | null, checkpoint: checkpointAt(50) };
    const { writer, statements } = fakeWriter(state);
    const advancer = new Advancer(writer, { build: "b" });
    expect(await advancer.step()).toBe(false);
    expect(statements.some((s) => s.includes("_ponder_checkpoint") || s.includes(`"attribution"`)), "no fact is read during the backfill").toBe(false);
    state.ready = null; // no metadata row yet
    expect(await advancer.step()).toBe(false);
    state.ready = "1";
    expect(await advancer.step()).toBe(true);
    expect(statements.some((s) => s.startsWith("UPDATE \"r_meta\" SET watermark = 49"))).toBe(true);
  });
});
