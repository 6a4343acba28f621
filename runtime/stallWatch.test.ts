import { describe, expect, test } from "vitest";
import { observeProgress, stallLine, stallThresholdMs, type StallSample, type StallState } from "./stallWatch.js";

/** Runs the samples through the rules; the verdict after each. */
function run(samples: [number, number | null, number | null][], thresholdMs = 60_000): string[] {
  let state: StallState | null = null;
  return samples.map(([t, indexed, head]) => {
    const s: StallSample = { now: t * 1000, indexed, head };
    const next = observeProgress(state, s, thresholdMs);
    state = next.state;
    return next.verdict.stalled ? `stalled at ${next.verdict.block} for ${next.verdict.forMs / 1000} s, head ${next.verdict.head}` : "ok";
  });
}

describe("observeProgress", () => {
  test.each<[string, [number, number | null, number | null][], string]>([
    ["following the head", [[0, 10, 10], [30, 20, 20], [70, 30, 31], [140, 40, 42]], "ok"],
    ["behind and stuck while the head goes on", [[0, 10, 10], [30, 10, 15], [59, 10, 18], [61, 10, 20]], "stalled at 10 for 61 s, head 20"],
    ["not yet a minute", [[0, 10, 10], [30, 10, 15], [59, 10, 18]], "ok"],
    ["stuck, but caught up: the chain is quiet", [[0, 10, 10], [61, 10, 10], [130, 10, 10]], "ok"],
    ["behind and stuck after the head stopped too", [[0, 10, 15], [61, 10, 15]], "stalled at 10 for 61 s, head 15"],
    ["behind and slow, but moving", [[0, 10, 20], [50, 11, 25], [100, 12, 30], [150, 13, 40]], "ok"],
    ["unknown readings decide nothing", [[0, 10, 12], [30, null, 20], [61, 10, null], [62, null, null]], "ok"],
    ["an unknown reading restarts the clock (the RPC down: a restart would not help)", [[0, 10, 12], [30, 10, null], [61, 10, 22], [90, 10, 22]], "ok"],
    ["…and it counts again from the next reading", [[0, 10, 12], [30, 10, null], [61, 10, 22], [121, 10, 22]], "stalled at 10 for 60 s, head 22"],
    ["a lagging head (at or below the indexed block) restarts the clock", [[0, 10, 12], [40, 10, 9], [70, 10, 14], [99, 10, 15]], "ok"],
    ["…and counts again from there", [[0, 10, 12], [40, 10, 9], [70, 10, 14], [101, 10, 15]], "stalled at 10 for 61 s, head 15"],
    ["progress restarts the clock", [[0, 10, 12], [50, 11, 14], [100, 11, 16], [111, 11, 17]], "stalled at 11 for 61 s, head 17"],
  ])("%s", (_, samples, last) => {
    expect(run(samples).at(-1)).toBe(last);
  });

  test("a threshold of 0 never calls a stall", () => {
    expect(run([[0, 10, 10], [600, 10, 50], [6000, 10, 500]], 0)).toEqual(["ok", "ok", "ok"]);
  });
});

describe("stallThresholdMs", () => {
  test.each<[string | undefined, number]>([[undefined, 60_000], ["", 60_000], ["90", 90_000], ["0", 0], ["2.5", 2500]])("%s → %d ms", (raw, ms) => {
    expect(stallThresholdMs(raw)).toBe(ms);
  });
  test.each(["-1", "soon", "NaN"])("%s is refused with a clear message", (raw) => {
    expect(() => stallThresholdMs(raw)).toThrow(/STALL_RESTART_S must be a number of seconds/);
  });
});

test("the line says where it stopped, for how long, and how far the head went", () => {
  expect(stallLine({ block: 57, forMs: 60_400, head: 63 })).toBe("has not advanced past block 57 for 60 s while the chain head went on to 63 (stalled)");
});
