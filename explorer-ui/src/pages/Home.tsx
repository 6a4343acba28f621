import { useRef, type ReactNode } from "react";
import { HOME, LIVE_INFERENCES, RECENT_INFERENCES, type HomeData, type RecentData } from "../api/queries";
import { useLiveEvents } from "../api/live";
import { useQuery } from "../api/useQuery";
import { Amount, Bps } from "../components/Amount";
import { InferenceTable } from "../components/InferenceTable";
import { SearchBox } from "../components/SearchBox";
import { Stat } from "../components/Stat";
import { ErrorBox, QueryView, Section } from "../components/States";
import { Addr, EntityLink } from "../components/Text";
import { formatInt } from "../lib/format";
import { Link } from "../router";
import { urls } from "../urls";

const POLL_MS = 4000;

export function HomePage() {
  const home = useQuery<HomeData>(HOME, { limit: 8 }, { pollMs: 15000 });
  // New inferences arrive over the API's live subscription; polling only when the server does not stream.
  const refresh = useRef<() => void>(() => {});
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const live = useLiveEvents(LIVE_INFERENCES, () => {
    clearTimeout(debounce.current);
    debounce.current = setTimeout(() => refresh.current(), 150);
  });
  const recent = useQuery<RecentData>(RECENT_INFERENCES, { limit: 12 }, { pollMs: live ? undefined : POLL_MS });
  refresh.current = recent.refetch;
  return (
    <div className="page home">
      <div className="hero">
        <h1>OpenLedger attribution explorer</h1>
        <p className="muted">Trace every paid inference to the data behind it, and every OPEN to the people who earned it.</p>
        <SearchBox big autoFocus />
      </div>
      {home.error && !home.data ? <ErrorBox error={home.error} retry={home.refetch} /> : <NetworkStats network={home.data?.network} />}
      <div className="grid-2">
        <Section title={<>Live feed <span className="live-dot" title={live ? "New inferences appear as they are indexed" : `Refreshes every ${POLL_MS / 1000} s`} /></>} actions={<span className="muted small">{live ? "live" : `every ${POLL_MS / 1000} s`}</span>}>
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

/** The totals; before they arrive the same cards hold a placeholder, so nothing below them moves. */
function NetworkStats({ network: n }: { network: HomeData["network"] | undefined }) {
  const v = (f: (n: HomeData["network"]) => ReactNode) => (n ? f(n) : <span className="placeholder" aria-hidden="true">…</span>);
  return (
    <div className="stats" aria-busy={!n}>
      <Stat label="Total fees" value={v((n) => <Amount value={n.totalFees} />)} />
      <Stat label="Claimed" value={v((n) => <Amount value={n.totalClaimed} />)} />
      <Stat label="Inferences" value={v((n) => formatInt(n.inferences))} />
      <Stat label="Attributions" value={v((n) => formatInt(n.attributions))} />
      <Stat label="Datanets" value={v((n) => formatInt(n.datanets))} />
      <Stat label="Contributions" value={v((n) => formatInt(n.contributions))} />
      <Stat label="Models" value={v((n) => formatInt(n.models))} />
      <Stat label="Training runs" value={v((n) => formatInt(n.trainingRuns))} />
      <Stat label="Accounts" value={v((n) => formatInt(n.accounts))} />
      <Stat
        label="Flagged"
        value={v((n) => <Link to={urls.audit()} className={n.flaggedInferences > 0 ? "bad-text" : undefined}>{formatInt(n.flaggedInferences)} inf · {formatInt(n.unverifiedTrainingRuns)} runs</Link>)}
      />
      <Stat label="Fee split" value={v((n) => <span className="small">protocol <Bps value={n.protocolFeeBps} /> · model owner <Bps value={n.modelOwnerShareBps} /></span>)} />
      <Stat label="Last event block" value={v((n) => <span className="mono">{formatInt(n.lastEventBlock)}</span>)} />
    </div>
  );
}
