import type { InferenceRow } from "../api/queries";
import { formatAge, formatTime } from "../lib/format";
import { Link } from "../router";
import { urls } from "../urls";
import { Amount } from "./Amount";
import { CleanBadge, RuleBadge } from "./Badges";
import { Addr, EntityLink, Hash } from "./Text";

export function InferenceTable({ rows, compact = false, showRules = false }: { rows: InferenceRow[]; compact?: boolean; showRules?: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Inference</th>
            <th>Model</th>
            {compact ? null : <th>Payer</th>}
            {compact ? null : <th>Output</th>}
            <th className="r">Fee</th>
            <th>Audit</th>
            <th className={compact ? "hide-sm" : undefined}>Age</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td><Link to={urls.inference(r.id)} className="mono">#{r.id}</Link></td>
              <td><EntityLink to={urls.model(r.modelId)} id={r.modelId} name={r.model?.name ?? null} max={compact ? 18 : 28} /></td>
              {compact ? null : <td><Addr address={r.payer} /></td>}
              {compact ? null : <td><Hash value={r.outputHash} to={urls.output(r.outputHash)} /></td>}
              <td className="r"><Amount value={r.fee} /></td>
              <td>
                {showRules && !r.clean ? (
                  <span className="rules">{[...new Set(r.violations.map((v) => v.rule))].map((rule) => <RuleBadge key={rule} rule={rule} />)}</span>
                ) : (
                  <CleanBadge clean={r.clean} count={r.violations.length} />
                )}
              </td>
              <td className={`muted nowrap${compact ? " hide-sm" : ""}`} title={formatTime(r.timestamp)}>{formatAge(r.timestamp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
