import { expect, test } from "vitest";
import { matchPath } from "./routes";
import { urls } from "./urls";

test.each([
  ["/model/:id", urls.model("1"), { id: "1" }],
  ["/model/:id/run/:version", urls.trainingRun("1", 2), { id: "1", version: "2" }],
  ["/account/:address", urls.account("0xAB"), { address: "0xab" }],
  ["/datanet/:id", "/datanet/%3Cimg%3E", { id: "<img>" }],
  ["/audit", "/audit/", {}],
])("%s matches %s", (pattern, path, params) => {
  expect(matchPath(pattern, path)).toEqual(params);
});

test.each([
  ["/model/:id", "/model"],
  ["/model/:id", "/model/1/run/2"],
  ["/datanet/:id", "/datanet/%E0%A4%A"],
])("%s does not match %s", (pattern, path) => {
  expect(matchPath(pattern, path)).toBeNull();
});
