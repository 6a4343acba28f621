import { ruleText, statusName } from "../lib/format";

export function StatusBadge({ status }: { status: string }) {
  const cls = { ACCEPTED: "ok", PENDING: "warn", REJECTED: "bad", REVOKED: "bad" }[status] ?? "neutral";
  return <span className={`badge ${cls}`}>{statusName(status)}</span>;
}

export function VerifiedBadge({ verified }: { verified: boolean }) {
  return verified ? <span className="badge ok" title="The indexer recomputed the contribution set: root and count match">✓ Verified</span>
    : <span className="badge bad" title="The recomputed root or count differs from what the run claimed">✗ Unverified</span>;
}

export function CleanBadge({ clean, count }: { clean: boolean; count?: number }) {
  return clean ? <span className="badge ok">Clean</span> : <span className="badge bad">Flagged{count ? ` · ${count}` : ""}</span>;
}

export function RuleBadge({ rule }: { rule: string }) {
  return <span className="badge bad rule" title={ruleText(rule).explain}>{ruleText(rule).title}</span>;
}
