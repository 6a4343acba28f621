import { expect, test } from "vitest";
import { Deadline } from "./admission.js";
import { Gate, gateClient, inLane } from "./dbGate.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A database that takes 10 ms a query, one at a time, first come first served (like PGlite). */
function fakeDatabase() {
  let busy = Promise.resolve();
  const log: string[] = [];
  const client = {
    query(...args: never[]): Promise<string> {
      const name = String(args[0]);
      const done = busy.then(async () => {
        await sleep(10);
        log.push(name);
        return name;
      });
      busy = done.then(() => {});
      return done;
    },
  };
  return { client, log };
}

test("a cheap query waits behind at most one of an expensive request's hundred queries", async () => {
  const { client, log } = fakeDatabase();
  gateClient(client, new Gate(1));
  const flood = inLane({ expensive: true }, () => Promise.all(Array.from({ length: 100 }, (_, i) => client.query(`x${i}` as never))));
  await sleep(5);
  const started = Date.now();
  await inLane({ expensive: false }, () => client.query("cheap" as never));
  expect(Date.now() - started).toBeLessThan(100);
  expect(log.indexOf("cheap")).toBeLessThanOrEqual(2);
  await flood;
  expect(log).toHaveLength(101);
});

test("queries outside a request (the indexer's) pass untouched", async () => {
  const { client, log } = fakeDatabase();
  const gate = new Gate(1);
  gateClient(client, gate);
  await Promise.all([client.query("a" as never), client.query("b" as never)]);
  expect(log).toEqual(["a", "b"]);
  expect(gate.stats).toEqual({ running: 0, waiting: 0 });
});

test("no query of a request starts after its deadline", async () => {
  const { client, log } = fakeDatabase();
  gateClient(client, new Gate(1));
  const deadline = new Deadline(25);
  const results = await inLane({ expensive: true, deadline }, () => Promise.allSettled(Array.from({ length: 20 }, (_, i) => client.query(`q${i}` as never))));
  const failed = results.filter((r) => r.status === "rejected");
  expect(failed.length).toBeGreaterThan(10);
  expect(String((failed[0] as PromiseRejectedResult).reason)).toContain("deadline");
  expect(log.length).toBeLessThan(10);
});

test("wrapping twice wraps once", () => {
  const { client } = fakeDatabase();
  expect(gateClient(client, new Gate(1))).toBe(true);
  expect(gateClient(client, new Gate(1))).toBe(false);
});
