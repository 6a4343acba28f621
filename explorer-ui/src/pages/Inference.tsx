import { INFERENCE, type InferenceData, type InferenceFull } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { Amount, Bps, Ppm, ShareBar } from "../components/Amount";
import { CleanBadge, StatusBadge } from "../components/Badges";
import { BadParam, KV, QueryView, Section } from "../components/States";
import { Addr, CopyButton, EntityLink, Hash, TxLink, Untrusted } from "../components/Text";
import { formatInt, formatTime, methodName, roleName, ruleText } from "../lib/format";
import { Link } from "../router";
import { receiptFileName, urls, verifyCommand } from "../urls";
import { isId } from "../lib/params";

export function InferencePage({ id }: { id: string }) {
  if (!isId(id)) return <BadParam what="inference id" value={id} />;
  return <InferenceView id={id} />;
}

function InferenceView({ id }: { id: string }) {
  const q = useQuery<InferenceData>(INFERENCE, { id });
  const inf = q.data?.inference;
  return (
    <div className="page">
      <div className="page-head">
        <h1><span className="kind-tag kind-inference">Inference #{id}</span></h1>
        {inf ? <CleanBadge clean={inf.clean} count={inf.violations.length} /> : null}
      </div>
      <QueryView q={q} what="Loading inference" isEmpty={(d) => d.inference === null} empty={<>Inference #{id} does not exist.</>}>
        {({ inference: inf }) => inf && <InferenceBody inf={inf} />}
      </QueryView>
    </div>
  );
}

export function InferenceBody({ inf }: { inf: InferenceFull }) {
  const flagged = new Set(inf.violations.flatMap((v) => v.contributionIds));
  return (
    <>
      <div className="trace" aria-label="Trace">
        <div className="trace-step"><span className="trace-k">Output</span><Hash value={inf.outputHash} to={urls.output(inf.outputHash)} max={22} /></div>
        <span className="trace-arrow">←</span>
        <div className="trace-step"><span className="trace-k">Model</span><EntityLink to={urls.model(inf.modelId)} id={inf.modelId} name={inf.model?.name ?? null} max={24} /></div>
        <span className="trace-arrow">←</span>
        <div className="trace-step"><span className="trace-k">Attributed</span>{formatInt(inf.attributions.length)} contributions</div>
        <span className="trace-arrow">←</span>
        <div className="trace-step"><span className="trace-k">Contributors</span>{formatInt(new Set(inf.attributions.map((a) => a.contributor)).size)}</div>
      </div>
      <Section title="Audit verdict" id="verdict">
        {inf.clean ? (
          <div className="verdict ok">✓ Clean: this inference breaks none of the protocol's rules.</div>
        ) : (
          <ul className="violations" data-testid="violations">
            {inf.violations.map((v, i) => {
              const t = ruleText(v.rule);
              return (
                <li key={i} className="violation">
                  <div className="violation-head"><span className="badge bad mono">{v.rule}</span> <strong>{t.title}</strong></div>
                  <p>{t.explain}</p>
                  {v.contributionIds.length ? (
                    <p>
                      Contributions concerned:{" "}
                      <span className="list">{v.contributionIds.map((c) => <Link key={c} to={urls.contribution(c)} className="mono">#{c}</Link>)}</span>
                    </p>
                  ) : null}
                  {v.message ? <p className="muted small">Indexer: <Untrusted value={v.message} max={200} copy={false} /></p> : null}
                </li>
              );
            })}
          </ul>
        )}
      </Section>
      <div className="grid-2">
        <Section title="Details">
          <KV rows={[
            ["Model", <EntityLink to={urls.model(inf.modelId)} id={inf.modelId} name={inf.model?.name ?? null} />],
            ["Payer", <Addr address={inf.payer} />],
            ["Attestor", <Addr address={inf.sender} />],
            ["Fee", <Amount value={inf.fee} />],
            ["Method", methodName(inf.method, inf.methodName)],
            ["Output hash", <Hash value={inf.outputHash} max={70} />],
            ["Time", formatTime(inf.timestamp)],
            ["Block", <span className="mono">{formatInt(inf.blockNumber)} · log {formatInt(inf.logIndex)}</span>],
            ["Transaction", <TxLink hash={inf.transactionHash} />],
          ]} />
        </Section>
        <Section title="Payouts (RewardAccrued)">
          {inf.accruals.length === 0 ? <div className="state empty">No accruals.</div> : (
            <table className="table">
              <thead><tr><th>Account</th><th>Role</th><th className="r">Credited</th><th className="r">Split says</th></tr></thead>
              <tbody>{inf.accruals.map((a, i) => (
                <tr key={i} className={a.matchesSplit ? undefined : "row-bad"}>
                  <td><Addr address={a.account} /></td>
                  <td>{roleName(a.role)}</td>
                  <td className="r"><Amount value={a.amount} /></td>
                  <td className="r">{a.matchesSplit ? <span className="badge ok">✓ matches</span> : <span className="bad-text"><Amount value={a.expectedAmount} /></span>}</td>
                </tr>
              ))}</tbody>
            </table>
          )}
        </Section>
      </div>
      <Section title="Verify this payout" id="receipt">
        <p>
          The receipt cites every log behind this payout (block hash and log index), the facts in force at it, the
          training-run Merkle proofs and the split step by step. Check it against any node of the chain, without trusting this explorer:
        </p>
        <p><a className="button" href={urls.receipt(inf.id)} download={receiptFileName(inf.id)}>Download receipt</a></p>
        <div className="verify-command">
          <code className="mono" data-testid="verify-command">{verifyCommand(inf.id)}</code> <CopyButton value={verifyCommand(inf.id)} label="Copy command" />
        </div>
      </Section>
      <Section title={`Attribution (${inf.attributions.length})`}>
        {inf.attributions.length === 0 ? <div className="state empty">No attributions.</div> : (
          <div className="table-wrap"><table className="table">
            <thead><tr><th>Contribution</th><th>Status then</th><th>Lineage</th><th>Datanet</th><th>Contributor</th><th className="r">Weight</th><th className="r">Share</th><th className="r">Owner cut</th><th className="r">Contributor cut</th></tr></thead>
            <tbody>{inf.attributions.map((a) => (
              <tr key={a.contributionId} className={flagged.has(a.contributionId) ? "row-bad" : undefined}>
                <td><Link to={urls.contribution(a.contributionId)} className="mono">#{a.contributionId}</Link>{flagged.has(a.contributionId) ? <span className="flag" title="Named in a violation"> ⚑</span> : null}</td>
                <td>{a.statusAtInference ? <StatusBadge status={a.statusAtInference} /> : <span className="muted">unknown</span>}</td>
                <td>{a.inLineage ? <span className="badge ok" title="Its datanet is in the model's training lineage">in lineage</span> : <span className="badge bad" title="No training run of this model or its ancestors used its datanet">outside</span>}</td>
                <td>{a.datanetId ? <EntityLink to={urls.datanet(a.datanetId)} id={a.datanetId} name={a.datanet?.name ?? null} max={20} /> : "–"}{a.datanet ? <span className="muted small"> · owner <Bps value={a.datanet.ownerShareBps} /></span> : null}</td>
                <td><Addr address={a.contributor} /></td>
                <td className="r"><Ppm value={a.weightPpm} /><ShareBar fraction={a.weightPpm / 1_000_000} /></td>
                <td className="r"><Amount value={a.share} /></td>
                <td className="r"><Amount value={a.ownerCut} /></td>
                <td className="r"><Amount value={a.contributorCut} /></td>
              </tr>
            ))}</tbody>
          </table></div>
        )}
      </Section>
    </>
  );
}
