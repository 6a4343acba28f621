import { describe, expect, test } from "vitest";
import { parseTrainingRunId, urlForEntity, urlForLineageNode, urls, verifyCommand } from "./urls";

const addr = "0xAbCdEf0000000000000000000000000000000001";

describe("urls", () => {
  test.each([
    ["home", urls.home(), "/"],
    ["account (lower-cased)", urls.account(addr), "/account/0xabcdef0000000000000000000000000000000001"],
    ["model", urls.model("1"), "/model/1"],
    ["training run", urls.trainingRun("1", 2), "/model/1/run/2"],
    ["datanet", urls.datanet("2"), "/datanet/2"],
    ["datanet filtered by status", urls.datanet("2", "ACCEPTED"), "/datanet/2?status=ACCEPTED"],
    ["inference", urls.inference("3"), "/inference/3"],
    ["contribution", urls.contribution("4"), "/contribution/4"],
    ["tx", urls.tx("0xAB"), "/tx/0xab"],
    ["output", urls.output("0xCD"), "/output/0xcd"],
    ["audit without filters", urls.audit(), "/audit"],
    ["audit with filters", urls.audit({ rule: "SPLIT_MISMATCH", model: "1", datanet: "" }), "/audit?rule=SPLIT_MISMATCH&model=1"],
    ["search encodes", urls.search("a b&c=<x>"), "/search?q=a%20b%26c%3D%3Cx%3E"],
    ["csv", urls.earningsCsv(addr), "/api/accounts/0xabcdef0000000000000000000000000000000001/earnings.csv"],
    ["receipt", urls.receipt("42"), "/api/receipts/inferences/42.json"],
    ["verify command", verifyCommand("42"), 'npx openledger-explorer verify receipt-inference-42.json --rpc "$RPC_URL"'],
  ])("%s", (_name, got, want) => {
    expect(got).toBe(want);
  });

  test("hostile ids cannot escape the path", () => {
    expect(urls.model("../../admin")).toBe("/model/..%2F..%2Fadmin");
    expect(urls.datanet("javascript:alert(1)")).toBe("/datanet/javascript%3Aalert(1)");
  });
});

describe("search hits and lineage nodes map to pages", () => {
  test.each([
    ["ACCOUNT", addr, "/account/0xabcdef0000000000000000000000000000000001"],
    ["DATANET", "2", "/datanet/2"],
    ["MODEL", "1", "/model/1"],
    ["CONTRIBUTION", "4", "/contribution/4"],
    ["INFERENCE", "3", "/inference/3"],
    ["TRANSACTION", "0xff", "/tx/0xff"],
    ["TRAINING_RUN", "1:2", "/model/1/run/2"],
    ["TRAINING_RUN", "garbage", "/search?q=garbage"],
    ["SOMETHING_NEW", "x", "/search?q=x"],
  ])("%s %s", (kind, id, url) => {
    expect(urlForEntity(kind, id)).toBe(url);
  });

  test.each([
    ["CONTRIBUTOR", addr, "/account/0xabcdef0000000000000000000000000000000001"],
    ["CONTRIBUTION", "9", "/contribution/9"],
    ["TRAINING_RUN", "3-1", "/model/3/run/1"],
    ["FOLDED", "x", null],
  ])("lineage %s", (kind, id, url) => {
    expect(urlForLineageNode(kind, id)).toBe(url);
  });

  test.each([["3:2", "3", "2"], ["3/2", "3", "2"], ["3-2", "3", "2"], ["3#v2", "3", "2"], [" 10:1 ", "10", "1"]])(
    "parses run id %s", (id, m, v) => expect(parseTrainingRunId(id)).toEqual({ modelId: m, version: v }));
});
