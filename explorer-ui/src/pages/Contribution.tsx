import { CONTRIBUTION, CONTRIBUTION_EARNINGS, CONTRIBUTION_INFERENCES, CONTRIBUTION_PROOF, CONTRIBUTION_RUNS, type ContributionData, type ContributionEarningsByDayData, type ContributionProofData, type ContributionInferenceRow, type ContributionInferencesData, type ContributionRunsData } from "../api/queries";
import { useState } from "react";
import { useQuery, type QueryState } from "../api/useQuery";
import { Amount, Bps, Ppm } from "../components/Amount";
import { AsOfBar, AsOfProvider, useAsOf } from "../components/AsOf";
import { PagedView, usePaged } from "../components/Pager";
import { StatusBadge } from "../components/Badges";
import { EarningsChart } from "../components/EarningsChart";
import { WhereDataWent } from "../components/WhereDataWent";
import { BadParam, KV, QueryView, Section } from "../components/States";
import { Addr, EntityLink, Hash, TxLink, Untrusted, UriText } from "../components/Text";
import { parseBlockParam } from "../lib/asOf";
import { formatInt, formatTime } from "../lib/format";
import { Link } from "../router";
import { urls } from "../urls";
import { isId } from "../lib/params";

export function ContributionPage({ id, block = null }: { id: string; block?: string | null }) {
  if (!isId(id)) return <BadParam what="contribution id" value={id} />;
  const asOf = parseBlockParam(block);
  if (!asOf.ok) return <BadParam what="block" value={block ?? ""} />;
  return (
    <AsOfProvider block={asOf.block}>
      <ContributionView id={id} />
    </AsOfProvider>
  );
}

function ContributionView({ id }: { id: string }) {
  const { variable } = useAsOf();
  const q = useQuery<ContributionData>(CONTRIBUTION, { id, block: variable });
  // The usage sections are asked for at once and the page is drawn when all three answers are in:
  // sections filling in one after another would push what is below them (layout shift).
  const inferences = usePaged<ContributionInferencesData, ContributionInferenceRow>(CONTRIBUTION_INFERENCES, { id, block: variable }, (d) => d.contribution?.inferences ?? NO_PAGE);
  const runs = useQuery<ContributionRunsData>(CONTRIBUTION_RUNS, { id, block: variable });
  const earnings = useQuery<ContributionEarningsByDayData>(CONTRIBUTION_EARNINGS, { id, block: variable });
  const usageReady = (inferences.loaded || inferences.error !== undefined) && (runs.data !== undefined || runs.error !== undefined);
  const contribution = q.data?.contribution;
  return (
    <div className="page">
      <div className="page-head">
        <h1><span className="kind-tag kind-contribution">Contribution #{id}</span></h1>
        {contribution ? <StatusBadge status={contribution.status} /> : null}
      </div>
      <AsOfBar to={(b) => urls.contribution(id, b)} />
      <QueryView q={usageReady || q.error ? q : { ...q, data: undefined }} what="Loading contribution" isEmpty={(d) => d.contribution === null} empty={<>Contribution #{id} does not exist.</>}>
        {({ contribution: c }) => c && (
          <>
            <div className="grid-2">
              <Section title="Overview">
                <KV rows={[
                  ["Contributor", <Addr address={c.contributor} />],
                  ["Datanet", <EntityLink to={urls.datanet(c.datanetId)} id={c.datanetId} name={c.datanet?.name ?? null} />],
                  ["Datanet owner", c.datanet ? <Addr address={c.datanet.owner} /> : "–"],
                  ["Owner share", c.datanet ? <Bps value={c.datanet.ownerShareBps} /> : "–"],
                  ["URI", <UriText value={c.uri} />],
                  ["Content hash", <Hash value={c.contentHash} max={70} />],
                  ["Size", <span className="num">{formatInt(c.size)} bytes</span>],
                  ["Submitted", <span>{formatTime(c.timestamp)} · block <span className="mono">{formatInt(c.blockNumber)}</span></span>],
                ]} />
              </Section>
              <Section title="Earnings">
                <div className="stats">
                  <div className="stat hl"><div className="stat-label">Earned (all roles)</div><div className="stat-value"><Amount value={c.earned} /></div></div>
                  <div className="stat"><div className="stat-label">Inferences attributing it</div><div className="stat-value num">{formatInt(c.inferenceCount)}</div></div>
                </div>
              </Section>
            </div>
            <Section title="Earnings over time" id="earnings-over-time">
              {earnings.error && !earnings.data ? <span className="bad-text">{earnings.error.message}</span> : (
                <EarningsChart verb="earned" claims={false} days={earnings.data?.contribution?.earningsByDay.map((d) => ({ day: d.day, accrued: d.earned, claimed: "0" }))} />
              )}
            </Section>
            <WhereDataWent target={{ kind: "contribution", id: c.id }} />
            <Section title="Inferences that used it" id="inferences">
              <ContributionInferences p={inferences} />
            </Section>
            <Section title="Training runs of its datanet" id="training-runs">
              <ContributionRuns q={runs} id={c.id} />
            </Section>
            <Section title="Status history">
              {c.history.length === 0 ? <div className="state empty">No status changes recorded.</div> : (
                <div className="table-wrap"><table className="table">
                  <thead><tr><th>Time</th><th>Status</th><th>By</th><th>Reason</th><th>Block</th><th>Tx</th></tr></thead>
                  <tbody>{c.history.map((h, i) => (
                    <tr key={i}>
                      <td className="nowrap">{formatTime(h.timestamp)}</td>
                      <td><StatusBadge status={h.status} /></td>
                      <td><Addr address={h.by} /></td>
                      <td><Untrusted value={h.reason ?? ""} max={60} /></td>
                      <td className="mono">{formatInt(h.blockNumber)}</td>
                      <td><TxLink hash={h.transactionHash} /></td>
                    </tr>
                  ))}</tbody>
                </table></div>
              )}
            </Section>
          </>
        )}
      </QueryView>
    </div>
  );
}

const NO_PAGE = { items: [], totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };

/** Every attribution of the contribution, newest first, with what each paid. */
function ContributionInferences({ p }: { p: ReturnType<typeof usePaged<ContributionInferencesData, ContributionInferenceRow>> }) {
  return (
    <PagedView p={p} empty="No inference has attributed this contribution yet.">
      {(items) => (
        <div className="table-wrap"><table className="table" data-testid="contribution-inferences">
          <thead><tr><th>Inference</th><th>Model</th><th className="r">Weight</th><th className="r">Share</th><th className="r">Owner cut</th><th className="r">Contributor cut</th><th>Block</th><th>Tx</th></tr></thead>
          <tbody>{items.map((r) => (
            <tr key={r.inferenceId}>
              <td><Link to={urls.inference(r.inferenceId)} className="mono">#{r.inferenceId}</Link></td>
              <td><EntityLink to={urls.model(r.modelId)} id={r.modelId} name={r.model?.name ?? null} max={24} /></td>
              <td className="r"><Ppm value={r.weightPpm} /></td>
              <td className="r"><Amount value={r.share} /></td>
              <td className="r"><Amount value={r.ownerCut} /></td>
              <td className="r"><Amount value={r.contributorCut} /></td>
              <td className="mono">{formatInt(r.blockNumber)}</td>
              <td><TxLink hash={r.transactionHash} /></td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
    </PagedView>
  );
}

/** Each run of each model that named the datanet: in its set or not, and the Merkle proof when it is. */
function ContributionRuns({ q, id }: { q: QueryState<ContributionRunsData>; id: string }) {
  return (
    <QueryView q={q} what="Loading training runs" isEmpty={(d) => !d.contribution || d.contribution.trainingRuns.length === 0} empty={<>No model has been trained on its datanet yet.</>}>
      {(d) => (
        <div className="table-wrap"><table className="table" data-testid="contribution-runs">
          <thead><tr><th>Run</th><th>Model</th><th>In its set</th><th>Merkle proof</th><th>Block</th><th>Tx</th></tr></thead>
          <tbody>{(d.contribution?.trainingRuns ?? []).map((r) => (
            <tr key={`${r.modelId}:${r.version}`}>
              <td><Link to={urls.trainingRun(r.modelId, r.version)} className="mono">v{r.version}</Link></td>
              <td><EntityLink to={urls.model(r.modelId)} id={r.modelId} name={r.model?.name ?? null} max={24} /></td>
              <td>{r.included ? <span className="badge ok">included</span> : <span className="badge">not included</span>}</td>
              <td>
                {r.included ? <ProofDetails modelId={r.modelId} version={r.version} contributionId={id} /> : <span className="muted">–</span>}
              </td>
              <td className="mono">{formatInt(r.run.blockNumber)}</td>
              <td><TxLink hash={r.run.transactionHash} /></td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
    </QueryView>
  );
}

/** The Merkle proof of the contribution in one run, fetched when opened (a proof rebuilds the run's tree). */
function ProofDetails({ modelId, version, contributionId }: { modelId: string; version: number; contributionId: string }) {
  const [open, setOpen] = useState(false);
  const q = useQuery<ContributionProofData>(CONTRIBUTION_PROOF, { modelId, version, contributionId }, { skip: !open });
  const p = q.data?.contributionProof;
  return (
    <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Merkle proof</summary>
      {!open ? null : q.error ? <span className="bad-text">{q.error.message}</span> : !p ? <span className="muted">Loading…</span> : (
        <div className="small" data-testid="run-proof">
          <div>{p.validAgainstClaimedRoot ? <span className="ok-text">Verifies against the on-chain root</span> : <span className="bad-text">Does not verify against the on-chain root (the run is not verified)</span>}</div>
          <div>Leaf <Hash value={p.leaf} max={70} /></div>
          <ol className="proof-list">{p.proof.map((h, i) => <li key={i}><Hash value={h} max={70} /></li>)}</ol>
          <div>Root <Hash value={p.root} max={70} /></div>
        </div>
      )}
    </details>
  );
}
