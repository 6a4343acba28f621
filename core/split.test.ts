/**
 * The fee split of PROTOCOL.md, checked against amounts worked out by hand (or, for the huge fee,
 * by an independent big-integer calculation), never against the module's own formulas.
 */
import { describe, expect, test } from "vitest";
import { accrualsMatch, splitFee, type Accrual, type Address, type AttributionInput, type FeeParams } from "./split.js";
import { Role } from "./roles.js";

const addr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;
const TREASURY = addr(0x7e);
const MODEL_OWNER = addr(0x30);
const D1 = addr(0xd1);
const D2 = addr(0xd2);
const C1 = addr(0xc1);
const C2 = addr(0xc2);
const C3 = addr(0xc3);
const X = addr(0xaa);
const Y = addr(0xbb);

const DEFAULT: FeeParams = { protocolFeeBps: 500, modelOwnerShareBps: 2000, treasury: TREASURY };

let nextId = 1n;
function att(weightPpm: number, datanetOwner: Address, ownerShareBps: number, contributor: Address, datanetId = 1n): AttributionInput {
  return { contributionId: nextId++, weightPpm, datanetId, datanetOwner, ownerShareBps, contributor };
}
const T = (account: Address, amount: bigint | number): Accrual => ({ account, role: Role.Treasury, amount: BigInt(amount) });
const M = (account: Address, amount: bigint | number): Accrual => ({ account, role: Role.ModelOwner, amount: BigInt(amount) });
const O = (account: Address, amount: bigint | number): Accrual => ({ account, role: Role.DatanetOwner, amount: BigInt(amount) });
const C = (account: Address, amount: bigint | number): Accrual => ({ account, role: Role.Contributor, amount: BigInt(amount) });

interface Case {
  name: string;
  fee: bigint;
  params?: FeeParams;
  modelOwner?: Address;
  attributions: AttributionInput[];
  /** In order of first appearance: treasury, model owner, then per contribution owner and contributor. */
  accruals: Accrual[];
  dust: bigint;
}

const HUGE = 2n ** 255n + 12345n;

const cases: Case[] = [
  {
    name: "credits dust to the treasury (weights 333,333 / 333,333 / 333,334)",
    fee: 1000n,
    attributions: [att(333_333, D1, 0, C1), att(333_333, D1, 0, C2), att(333_334, D1, 0, C3)],
    // protocol 50, model owner 200, pool 750; shares 249, 249, 250; dust 2
    accruals: [T(TREASURY, 52), M(MODEL_OWNER, 200), C(C1, 249), C(C2, 249), C(C3, 250)],
    dust: 2n,
  },
  {
    name: "rounds the datanet owner's cut down and gives the remainder to the contributor",
    fee: 1000n,
    attributions: [att(1_000_000, D1, 3333, C1)],
    // pool 750; owner cut 750 * 3333 / 10000 = 249.975 -> 249; contributor 501
    accruals: [T(TREASURY, 50), M(MODEL_OWNER, 200), O(D1, 249), C(C1, 501)],
    dust: 0n,
  },
  {
    name: "gives a 0 % owner-share datanet's whole share to the contributor (no owner accrual)",
    fee: 10_000n,
    attributions: [att(1_000_000, D1, 0, C1)],
    accruals: [T(TREASURY, 500), M(MODEL_OWNER, 2000), C(C1, 7500)],
    dust: 0n,
  },
  {
    name: "gives a 100 % owner-share datanet's whole share to the owner (no contributor accrual)",
    fee: 10_000n,
    attributions: [att(1_000_000, D1, 10_000, C1)],
    accruals: [T(TREASURY, 500), M(MODEL_OWNER, 2000), O(D1, 7500)],
    dust: 0n,
  },
  {
    name: "mixes 0 % and 100 % datanets in one inference",
    fee: 10_000n,
    attributions: [att(400_000, D1, 0, C1, 1n), att(600_000, D2, 10_000, C2, 2n)],
    accruals: [T(TREASURY, 500), M(MODEL_OWNER, 2000), C(C1, 3000), O(D2, 4500)],
    dust: 0n,
  },
  {
    name: "sums two contributions of one contributor in one datanet into one accrual per role",
    fee: 10_000n,
    attributions: [att(250_000, D1, 2000, C1), att(750_000, D1, 2000, C1)],
    // shares 1875 and 5625; owner cuts 375 and 1125; contributor cuts 1500 and 4500
    accruals: [T(TREASURY, 500), M(MODEL_OWNER, 2000), O(D1, 1500), C(C1, 6000)],
    dust: 0n,
  },
  {
    name: "keeps one account's roles apart: treasury = contributor, model owner = datanet owner",
    fee: 10_000n,
    params: { ...DEFAULT, treasury: X },
    modelOwner: Y,
    attributions: [att(500_000, Y, 5000, X), att(500_000, X, 5000, Y)],
    // pool 7500, shares 3750, cuts 1875 / 1875
    accruals: [T(X, 500), M(Y, 2000), O(Y, 1875), C(X, 1875), O(X, 1875), C(Y, 1875)],
    dust: 0n,
  },
  {
    name: "keeps one account's roles apart when it is treasury, model owner, datanet owner and contributor",
    fee: 1000n,
    params: { ...DEFAULT, treasury: X },
    modelOwner: X,
    attributions: [att(333_333, X, 5000, X), att(333_333, X, 5000, X), att(333_334, X, 5000, X)],
    // pool 750; shares 249, 249, 250 (dust 2); owner cuts 124, 124, 125; contributor cuts 125, 125, 125
    accruals: [T(X, 52), M(X, 200), O(X, 373), C(X, 375)],
    dust: 2n,
  },
  {
    name: "treats address case as the same account",
    fee: 10_000n,
    params: { ...DEFAULT, treasury: "0x00000000000000000000000000000000000000AA" },
    modelOwner: X,
    attributions: [att(1_000_000, D1, 0, "0x00000000000000000000000000000000000000aA")],
    accruals: [T("0x00000000000000000000000000000000000000AA", 500), M(X, 2000), C("0x00000000000000000000000000000000000000aA", 7500)],
    dust: 0n,
  },
  {
    name: "accrues nothing for a fee of 0",
    fee: 0n,
    attributions: [att(500_000, D1, 5000, C1), att(500_000, D2, 0, C2)],
    accruals: [],
    dust: 0n,
  },
  {
    name: "gives a fee of 1 wei to the one contributor when shares round to 0 above it",
    fee: 1n,
    attributions: [att(1_000_000, D1, 5000, C1)],
    // protocol 0, model owner 0, pool 1, share 1, owner cut 0
    accruals: [C(C1, 1)],
    dust: 0n,
  },
  {
    name: "credits a 1 wei fee split between two contributions to the treasury as dust",
    fee: 1n,
    attributions: [att(500_000, D1, 0, C1), att(500_000, D1, 0, C2)],
    accruals: [T(TREASURY, 1)],
    dust: 1n,
  },
  {
    name: "sends the whole fee to the pool when protocol and model-owner shares are 0",
    fee: 999n,
    params: { protocolFeeBps: 0, modelOwnerShareBps: 0, treasury: TREASURY },
    attributions: [att(1_000_000, D1, 1000, C1)],
    // owner cut 99.9 -> 99
    accruals: [O(D1, 99), C(C1, 900)],
    dust: 0n,
  },
  {
    name: "leaves nothing for data when protocol and model-owner shares add up to exactly 100 %",
    fee: 12_345n,
    params: { protocolFeeBps: 2500, modelOwnerShareBps: 7500, treasury: TREASURY },
    attributions: [att(1_000_000, D1, 1000, C1)],
    // 12345 * 2500 / 10000 = 3086.25 -> 3086; * 7500 -> 9258.75 -> 9258; pool 1, share 1, owner cut 0
    accruals: [T(TREASURY, 3086), M(MODEL_OWNER, 9258), C(C1, 1)],
    dust: 0n,
  },
  {
    name: "splits a huge fee near 2^255 exactly, without overflow",
    fee: HUGE,
    attributions: [att(333_333, D1, 2500, C1), att(333_333, D2, 2500, C2, 2n), att(333_334, D1, 2500, C3)],
    accruals: [
      T(TREASURY, 2894802230932904885589274625217197696331749616641014100986439600197828241615n + 1n),
      M(MODEL_OWNER, 11579208923731619542357098500868790785326998466564056403945758400791312966462n),
      O(D1, 3618499170163342440855486294928215598917566606114246824965423267197785054734n + 3618510025671708439248807254708060163408927850175309228768301966346285796590n),
      C(C1, 10855497510490027322566458884784646796752699818342740474896269801593355164203n),
      O(D2, 3618499170163342440855486294928215598917566606114246824965423267197785054734n),
      C(C2, 10855497510490027322566458884784646796752699818342740474896269801593355164203n),
      C(C3, 10855530077015125317746421764124180490226783550525927686304905899038857389771n),
    ],
    dust: 1n,
  },
  {
    name: "splits the largest uint256 fee to a single contributor",
    fee: 2n ** 256n - 1n,
    attributions: [att(1_000_000, D1, 0, C1)],
    accruals: [
      T(TREASURY, 5789604461865809771178549250434395392663499233282028201972879200395656481996n),
      M(MODEL_OWNER, 23158417847463239084714197001737581570653996933128112807891516801582625927987n),
      C(C1, 86844066927987146567678238756515930889952488499230423029593188005934847229952n),
    ],
    dust: 0n,
  },
];

describe("splitFee", () => {
  test.each(cases)("$name", ({ fee, params, modelOwner, attributions, accruals, dust }) => {
    const split = splitFee({ fee, params: params ?? DEFAULT, modelOwner: modelOwner ?? MODEL_OWNER, attributions });
    expect(split.accruals).toEqual(accruals);
    expect(split.dust).toBe(dust);
    expect(split.accruals.reduce((s, a) => s + a.amount, 0n)).toBe(fee);
    expect(split.protocol + split.modelOwner + split.pool).toBe(fee);
    expect(split.lines.reduce((s, l) => s + l.share, 0n) + split.dust).toBe(split.pool);
    for (const line of split.lines) expect(line.ownerCut + line.contributorCut).toBe(line.share);
  });

  describe("a 256-entry attribution (the most an inference may carry)", () => {
    // 255 weights of 3906 ppm and one of 3970 ppm: 255 * 3906 + 3970 = 1,000,000.
    const weights = [...Array<number>(255).fill(3906), 3970];
    const build = (contributor: (i: number) => Address) =>
      weights.map((w, i) => att(w, i % 2 === 0 ? D1 : D2, 1000, contributor(i), i % 2 === 0 ? 1n : 2n));

    test("pays every contributor exactly when the pool is a multiple of 1,000,000", () => {
      // fee 10^24: protocol 5e22, model owner 2e23, pool 7.5e23 = 7.5e17 per ppm; owner cut 10 %.
      const perPpm = 750_000_000_000_000_000n;
      const attributions = build((i) => addr(0x1000 + i));
      const split = splitFee({ fee: 10n ** 24n, params: DEFAULT, modelOwner: MODEL_OWNER, attributions });
      expect(split.dust).toBe(0n);
      const ownerD1 = weights.filter((_, i) => i % 2 === 0).reduce((s, w) => s + (BigInt(w) * perPpm) / 10n, 0n);
      const ownerD2 = weights.filter((_, i) => i % 2 === 1).reduce((s, w) => s + (BigInt(w) * perPpm) / 10n, 0n);
      const expected: Accrual[] = [T(TREASURY, 5n * 10n ** 22n), M(MODEL_OWNER, 2n * 10n ** 23n)];
      weights.forEach((w, i) => {
        if (i < 2) expected.push(O(i === 0 ? D1 : D2, i === 0 ? ownerD1 : ownerD2));
        expected.push(C(addr(0x1000 + i), (BigInt(w) * perPpm * 9n) / 10n));
      });
      expect(split.accruals).toEqual(expected);
      expect(split.accruals).toHaveLength(2 + 2 + 256);
    });

    test("credits dust to the treasury and still adds up to the fee with an awkward fee", () => {
      const fee = 10n ** 18n + 7n;
      const split = splitFee({ fee, params: DEFAULT, modelOwner: MODEL_OWNER, attributions: build((i) => addr(0x2000 + i)) });
      expect(split.lines).toHaveLength(256);
      expect(split.dust).toBeGreaterThan(0n);
      expect(split.dust).toBeLessThan(256n); // each share loses less than one base unit
      const treasury = split.accruals.find((a) => a.role === Role.Treasury);
      expect(treasury?.amount).toBe(split.protocol + split.dust);
      expect(split.accruals.reduce((s, a) => s + a.amount, 0n)).toBe(fee);
    });

    test("sums 256 contributions of one contributor into a single contributor accrual", () => {
      const split = splitFee({ fee: 10n ** 24n, params: DEFAULT, modelOwner: MODEL_OWNER, attributions: build(() => C1) });
      expect(split.accruals.filter((a) => a.role === Role.Contributor)).toEqual([C(C1, 675n * 10n ** 21n)]); // 90 % of the 7.5e23 pool
      expect(split.accruals.filter((a) => a.role === Role.DatanetOwner).reduce((s, a) => s + a.amount, 0n)).toBe(75n * 10n ** 21n);
      expect(split.accruals).toHaveLength(5); // treasury, model owner, D1, C1, D2 in order of appearance
    });
  });
});

describe("accrualsMatch", () => {
  const expected = [T(TREASURY, 52), M(MODEL_OWNER, 200), C(C1, 748)];
  test.each([
    { name: "matches the same accruals in another order", observed: [C(C1, 748), T(TREASURY, 52), M(MODEL_OWNER, 200)], match: true },
    { name: "matches addresses in another letter case", observed: [T(TREASURY.toUpperCase().replace("0X", "0x") as Address, 52), M(MODEL_OWNER, 200), C(C1, 748)], match: true },
    { name: "rejects an amount off by one base unit", observed: [T(TREASURY, 53), M(MODEL_OWNER, 200), C(C1, 747)], match: false },
    { name: "rejects a missing accrual", observed: [T(TREASURY, 52), M(MODEL_OWNER, 200)], match: false },
    { name: "rejects an extra accrual", observed: [...expected, O(D1, 0)], match: false },
    { name: "rejects a right amount under the wrong role", observed: [T(TREASURY, 52), M(MODEL_OWNER, 200), O(C1, 748)], match: false },
    { name: "rejects a right amount to the wrong account", observed: [T(TREASURY, 52), M(MODEL_OWNER, 200), C(C2, 748)], match: false },
  ])("$name", ({ observed, match }) => {
    expect(accrualsMatch(expected, observed)).toBe(match);
  });
});
