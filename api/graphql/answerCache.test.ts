import { describe, expect, test } from "vitest";
import { AnswerCache } from "./answerCache.js";

const sized = (maxCost = 100) => new AnswerCache<{ id: string; size: number }>({ maxCost, cost: (v) => v.size });
const same = (v: string) => async () => v;

describe("AnswerCache", () => {
  test("serves a kept answer for the same question and version without computing again", async () => {
    const cache = sized();
    let calls = 0;
    const compute = async () => ({ id: `answer${++calls}`, size: 1 });
    expect(await cache.get("q", "v1", compute, same("v1"))).toEqual({ id: "answer1", size: 1 });
    expect(await cache.get("q", "v1", compute, same("v1"))).toEqual({ id: "answer1", size: 1 });
    expect(calls).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  test.each([
    ["a new version (a new block, a reorg)", "q", "v2"],
    ["another question", "q2", "v1"],
  ])("computes again for %s", async (_what, question, version) => {
    const cache = sized();
    let calls = 0;
    const compute = async () => ({ id: `answer${++calls}`, size: 1 });
    await cache.get("q", "v1", compute, same("v1"));
    expect((await cache.get(question, version, compute, same(version))).id).toBe("answer2");
  });

  test("does not keep an answer when the data version moved while it was computed", async () => {
    const cache = sized();
    let calls = 0;
    const compute = async () => ({ id: `answer${++calls}`, size: 1 });
    expect((await cache.get("q", "v1", compute, same("v2"))).id).toBe("answer1");
    expect((await cache.get("q", "v1", compute, same("v1"))).id).toBe("answer2");
    expect(cache.stats()).toMatchObject({ raced: 1, entries: 1 });
  });

  test("shares one computation between concurrent requests for the same answer", async () => {
    const cache = sized();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      calls++;
      await gate;
      return { id: "slow", size: 1 };
    };
    const all = Promise.all([1, 2, 3].map(() => cache.get("q", "v1", compute, same("v1"))));
    release();
    expect((await all).map((a) => a.id)).toEqual(["slow", "slow", "slow"]);
    expect(calls).toBe(1);
  });

  test("does not keep an answer the keep predicate refuses (an error response)", async () => {
    const cache = new AnswerCache<{ id: string; ok: boolean }>({ maxCost: 100, cost: () => 1, keep: (v) => v.ok });
    let calls = 0;
    const compute = async () => ({ id: `answer${++calls}`, ok: false });
    await cache.get("q", "v1", compute, same("v1"));
    expect((await cache.get("q", "v1", compute, same("v1"))).id).toBe("answer2");
    expect(cache.stats().entries).toBe(0);
  });

  test("does not keep a failure: the next request computes again", async () => {
    const cache = sized();
    await expect(cache.get("q", "v1", async () => Promise.reject(new Error("database gone")), same("v1"))).rejects.toThrow("database gone");
    expect((await cache.get("q", "v1", async () => ({ id: "ok", size: 1 }), same("v1"))).id).toBe("ok");
  });

  test.each([
    // budget, answers kept in order (question:size), question read again before the last insert, expected questions kept
    [10, ["a:4", "b:4", "c:4"], null, ["b", "c"]],
    [10, ["a:4", "b:4", "c:4"], "a", ["a", "c"]],
    [12, ["a:4", "b:4", "c:4"], null, ["a", "b", "c"]],
    [10, ["a:4", "big:11"], null, ["a"]],
    [0, ["a:1"], null, []],
  ] as const)("budget %i: keeps the most recently used answers within it (%j, touched %s)", async (budget, inserts, touched, kept) => {
    const cache = sized(budget);
    for (const [i, spec] of inserts.entries()) {
      const [q, size] = spec.split(":");
      if (touched && i === inserts.length - 1) await cache.get(touched, "v", async () => ({ id: "recomputed", size: 1 }), same("v"));
      await cache.get(q!, "v", async () => ({ id: q!, size: Number(size) }), same("v"));
    }
    const present: string[] = [];
    for (const spec of inserts) {
      const q = spec.split(":")[0]!;
      const before = cache.stats().misses;
      await cache.get(q, "v", async () => ({ id: "missing", size: 10_000 }), same("v"));
      if (cache.stats().misses === before) present.push(q);
    }
    expect(present).toEqual(kept);
  });
});
