import type { ReactNode } from "react";
import { HOME, RECENT_INFERENCES, type HomeData, type RecentData } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { SearchBox } from "../App";
import { Amount, Bps } from "../components/Amount";
import { InferenceTable } from "../components/InferenceTable";
import { QueryView, Section } from "../components/States";
import { Addr, EntityLink } from "../components/Text";
import { formatInt } from "../lib/format";
import { Link } from "../router";
import { urls } from "../urls";

const POLL_MS = 4000;

export function HomePage() {
  const home = useQuery<HomeData>(HOME, { limit: 8 }, { pollMs: 15000 });
  const recent = useQuery<RecentData>(RECENT_INFERENCES, { limit: 12 }, { pollMs: POLL_MS });
  return (
    <div className="page home">
      <div className="hero">
        <h1>OpenLedger attribution explorer</h1>
        <p className="muted">Trace every paid inference to the data behind it, and every OPEN to the people who earned it.</p>
        <SearchBox big autoFocus />
      </div>
      <QueryView q={home} what="Loading network totals">
        {(d) => (
          <div className="stats">
            <Stat label="Total fees" value={<Amount value={d.network.totalFees} />} />
            <Stat label="Claimed" value={<Amount value={d.network.totalClaimed} />} />
            <Stat label="Inferences" value={formatInt(d.network.inferences)} />
            <Stat label="Attributions" value={formatInt(d.network.attributions)} />
            <Stat label="Datanets" value={formatInt(d.network.datanets)} />
            <Stat label="Contributions" value={formatInt(d.network.contributions)} />
            <Stat label="Models" value={formatInt(d.network.models)} />
            <Stat label="Training runs" value={formatInt(d.network.trainingRuns)} />
            <Stat label="Accounts" value={formatInt(d.network.accounts)} />
            <Stat
              label="Flagged"
              value={<Link to={urls.audit()} className={d.network.flaggedInferences > 0 ? "bad-text" : undefined}>{formatInt(d.network.flaggedInferences)} inf · {formatInt(d.network.unverifiedTrainingRuns)} runs</Link>}
            />
            <Stat label="Fee split" value={<span className="small">protocol <Bps value={d.network.protocolFeeBps} /> · model owner <Bps value={d.network.modelOwnerShareBps} /></span>} />
            <Stat label="Last event block" value={<span className="mono">{formatInt(d.network.lastEventBlock)}</span>} />
          </div>
        )}
      </QueryView>
      <div className="grid-2">
        <Section title={<>Live feed <span className="live-dot" title={`Refreshes every ${POLL_MS / 1000} s`} /></>} actions={<span className="muted small">every {POLL_MS / 1000} s</span>}>
          <QueryView q={recent} what="Loading recent inferences" isEmpty={(d) => d.recentInferences.items.length === 0} empty="No inferences yet.">
            {(d) => <InferenceTable rows={d.recentInferences.items} compact />}
          </QueryView>
        </Section>
        <div className="stack">
          <QueryView q={home} what="Loading leaders">
            {(d) => (
              <>
                <Section title="Top models">
                  {d.topModels.length === 0 ? <div className="state empty">No models yet.</div> : (
                    <table className="table">
                      <thead><tr><th>Model</th><th className="r">Inferences</th><th className="r">Fees</th></tr></thead>
                      <tbody>
                        {d.topModels.map((m) => (
                          <tr key={m.id}>
                            <td><EntityLink to={urls.model(m.id)} id={m.id} name={m.name} max={28} /></td>
                            <td className="r num">{formatInt(m.inferenceCount)}</td>
                            <td className="r"><Amount value={m.totalFees} /></td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </Section>
                <Section title="Top datanets">
                  {d.topDatanets.length === 0 ? <div className="state empty">No datanets yet.</div> : (
                    <table className="table">
                      <thead><tr><th>Datanet</th><th className="r">Accepted</th><th className="r">Paid out</th></tr></thead>
                      <tbody>
                        {d.topDatanets.map((n) => (
                          <tr key={n.id}>
                            <td><EntityLink to={urls.datanet(n.id)} id={n.id} name={n.name} max={28} /></td>
                            <td className="r num">{formatInt(n.contributionCounts.accepted)}</td>
                            <td className="r"><Amount value={n.totalPaid} /></td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </Section>
                <Section title="Top earners">
                  {d.topEarners.length === 0 ? <div className="state empty">No earnings yet.</div> : (
                    <table className="table">
                      <thead><tr><th>Account</th><th className="r">Accrued</th><th className="r">Claimable</th></tr></thead>
                      <tbody>
                        {d.topEarners.map((a) => (
                          <tr key={a.address}>
                            <td><Addr address={a.address} /></td>
                            <td className="r"><Amount value={a.accrued} /></td>
                            <td className="r"><Amount value={a.claimable} /></td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </Section>
              </>
            )}
          </QueryView>
        </div>
      </div>
    </div>
  );
}

function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
