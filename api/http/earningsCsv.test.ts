/**
 * GET /api/accounts/{address}/earnings.csv in process (app.request): a bad address or block range
 * is a 400 JSON answer before any read (the database here throws if touched). The CSV itself, over
 * an indexed chain, is checked against a live server in api/api.test.ts.
 */
import { Hono } from "hono";
import { expect, test } from "vitest";
import type { Db, Tables } from "../db.js";
import { earningsCsvResponse } from "./earningsCsv.js";
import { onError } from "./errors.js";

const untouchable = new Proxy({}, { get: (_, prop) => { throw new Error(`the database was read (${String(prop)})`); } });

const app = new Hono();
app.get("/api/accounts/:address/earnings.csv", (c) =>
  earningsCsvResponse(untouchable as Db, untouchable as Tables, c.req.param("address"), { fromBlock: c.req.query("fromBlock"), toBlock: c.req.query("toBlock") }),
);
app.onError(onError);

const A = "0x" + "ab".repeat(20);

test.each<[string, string]>([
  ["/api/accounts/0x1234/earnings.csv", 'address "0x1234" is not an address: expected 0x followed by 40 hex digits'],
  [`/api/accounts/${A}/earnings.csv?fromBlock=abc`, 'fromBlock must be a block number, got "abc"'],
  [`/api/accounts/${A}/earnings.csv?toBlock=-1`, 'toBlock must be a block number, got "-1"'],
  [`/api/accounts/${A}/earnings.csv?fromBlock=10&toBlock=9`, "fromBlock must not be after toBlock"],
])("%s → 400 %j", async (path, error) => {
  const res = await app.request(path);
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error });
});
