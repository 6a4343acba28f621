/** Small display helpers: times, role/status/rule names. Pure. */

/** Seconds since epoch (decimal string) -> "2025-01-02 13:45:07 UTC"; invalid -> "–". */
export function formatTime(ts: string | number | null | undefined): string {
  const n = typeof ts === "string" ? Number(ts) : ts;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || n > 1e11) return "–";
  return new Date(n * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** "42 s ago", "5 min ago", "3 h ago", "12 d ago" relative to `now` (ms); a time ahead of the
 * viewer's clock (a chain's block time may be) reads "in 5 min". */
export function formatAge(ts: string | number | null | undefined, now = Date.now()): string {
  const n = typeof ts === "string" ? Number(ts) : ts;
  if (typeof n !== "number" || !Number.isFinite(n)) return "–";
  const delta = Math.round(now / 1000 - n);
  const s = Math.abs(delta);
  const span = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : s < 86400 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 86400)} d`;
  return delta < 0 ? `in ${span}` : `${span} ago`;
}

export function formatInt(n: number | string | null | undefined): string {
  if (n === null || n === undefined) return "–";
  const s = String(n);
  if (!/^-?\d+$/.test(s)) return "–";
  const neg = s.startsWith("-");
  const d = neg ? s.slice(1) : s;
  return (neg ? "-" : "") + d.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export const ROLE_NAMES: Record<string, string> = {
  TREASURY: "Protocol treasury",
  MODEL_OWNER: "Model owner",
  DATANET_OWNER: "Datanet owner",
  CONTRIBUTOR: "Contributor",
};
export const roleName = (r: string) => ROLE_NAMES[r] ?? r;

export const STATUS_NAMES: Record<string, string> = { PENDING: "Pending", ACCEPTED: "Accepted", REJECTED: "Rejected", REVOKED: "Revoked" };
export const statusName = (s: string) => STATUS_NAMES[s] ?? s;

export const METHOD_NAMES: Record<number, string> = { 1: "Influence function", 2: "Suffix-array token match" };
export const methodName = (m: number, fromApi?: string) => METHOD_NAMES[m] ?? fromApi ?? `method ${m}`;

export interface RuleText {
  title: string;
  explain: string;
}

/** The audit rules of PROTOCOL.md, in words. */
export const RULES: Record<string, RuleText> = {
  CONTRIBUTION_NOT_ACCEPTED: {
    title: "Attributed contribution was not accepted",
    explain: "At the block of this inference, an attributed contribution was Pending, Rejected or Revoked, so it should not have been paid.",
  },
  OUTSIDE_TRAINING_LINEAGE: {
    title: "Contribution outside the model's training lineage",
    explain: "An attributed contribution belongs to a datanet that no training run of this model (or of a model it adapts) had used at that point.",
  },
  SPLIT_MISMATCH: {
    title: "Payouts differ from the protocol's split",
    explain: "The rewards credited for this inference differ from the split recomputed from the fee, the fee parameters then in force and the attribution weights.",
  },
};
export const ruleText = (code: string): RuleText => RULES[code] ?? { title: code, explain: "A rule this explorer does not know yet." };
