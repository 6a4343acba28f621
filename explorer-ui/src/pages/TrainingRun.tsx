import { useState, type FormEvent, type ReactNode } from "react";
import { CONTRIBUTION_PROOF, TRAINING_RUN, type ContributionProofData, type TrainingRunData } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { VerifiedBadge } from "../components/Badges";
import { BadParam, KV, QueryView, Section } from "../components/States";
import { EntityLink, Hash, TxLink } from "../components/Text";
import { formatInt, formatTime } from "../lib/format";
import { urls } from "../urls";
import { isId } from "../lib/params";

export function TrainingRunPage({ modelId, version }: { modelId: string; version: string }) {
  if (!isId(modelId)) return <BadParam what="model id" value={modelId} />;
  if (!/^\d{1,9}$/.test(version)) return <BadParam what="version" value={version} />;
  return <RunView modelId={modelId} version={Number(version)} />;
}

function RunView({ modelId, version }: { modelId: string; version: number }) {
  const q = useQuery<TrainingRunData>(TRAINING_RUN, { modelId, version });
  const run = q.data?.trainingRun;
  return (
    <div className="page">
      <div className="page-head">
        <h1><span className="kind-tag kind-training_run">Training run</span> v{version} of <EntityLink to={urls.model(modelId)} id={modelId} name={run ? run.model?.name ?? null : undefined} /></h1>
        {run ? <VerifiedBadge verified={run.verified} /> : null}
      </div>
      <QueryView q={q} what="Loading training run" isEmpty={(d) => !d.trainingRun} empty={<>Model #{modelId} has no training run v{version}.</>}>
        {({ trainingRun: r }) => r && (
          <>
            <Section title="Claim and recomputation">
              <KV rows={[
                ["Datanets", <span className="list">{r.datanets.map((d) => <EntityLink key={d.id} to={urls.datanet(d.id)} id={d.id} name={d.name} />)}</span>],
                ["Claimed count", <span className="num">{formatInt(r.claimedCount)}</span>],
                ["Recomputed count", <span className={`num${r.claimedCount !== r.recomputedCount ? " bad-text" : ""}`}>{formatInt(r.recomputedCount)}</span>],
                ["Claimed root", <Hash value={r.claimedRoot} max={70} />],
                ["Recomputed root", <span className={r.claimedRoot !== r.recomputedRoot ? "bad-text" : undefined}><Hash value={r.recomputedRoot} max={70} /></span>],
                ["Artifact hash", <Hash value={r.artifactHash} max={70} />],
                ...(r.unknownDatanetIds.length ? [["Unknown datanets", <span className="bad-text">{r.unknownDatanetIds.map((x) => `#${x}`).join(", ")} (never created)</span>] as [string, ReactNode]] : []),
                ["Recorded", <span>{formatTime(r.timestamp)} · block <span className="mono">{formatInt(r.blockNumber)}</span></span>],
                ["Transaction", <TxLink hash={r.transactionHash} />],
              ]} />
              <p className="muted small">
                The chain does not check a run's claim. The indexer rebuilds the set of Accepted contributions in these datanets at the run's block and recomputes its Merkle root and count: {r.verified ? "they match." : "they do not match."}
              </p>
            </Section>
            <ProofLookup modelId={r.modelId} version={r.version} />
          </>
        )}
      </QueryView>
    </div>
  );
}

function ProofLookup({ modelId, version }: { modelId: string; version: number }) {
  const [input, setInput] = useState("");
  const [contributionId, setContributionId] = useState("");
  const q = useQuery<ContributionProofData>(CONTRIBUTION_PROOF, { modelId, version, contributionId }, { skip: contributionId === "" });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (/^\d{1,78}$/.test(input.trim())) setContributionId(input.trim());
  };
  return (
    <Section title="Merkle proof for a contribution">
      <form className="inline-form" onSubmit={submit}>
        <input value={input} onChange={(e) => setInput(e.target.value)} placeholder="Contribution id" inputMode="numeric" aria-label="Contribution id" />
        <button type="submit">Get proof</button>
      </form>
      {contributionId ? (
        <QueryView q={q} what="Loading proof" isEmpty={(d) => !d.contributionProof} empty="No proof available.">
          {({ contributionProof: p }) => p && (
            <KV rows={[
              ["Included", p.included ? <span className="badge ok">Included in the run's set</span> : <span className="badge bad">Not in the run's set</span>],
              ["Leaf", <Hash value={p.leaf} max={70} />],
              ["Recomputed root", <Hash value={p.root} max={70} />],
              ["Claimed root", <Hash value={p.claimedRoot} max={70} />],
              ["Against the on-chain root", p.validAgainstClaimedRoot ? <span className="badge ok">✓ MerkleProof.verify holds</span> : <span className="badge bad">✗ does not verify against the claimed root</span>],
              ["Proof", p.proof.length ? <ol className="proof mono">{p.proof.map((h, i) => <li key={i}><Hash value={h} max={70} /></li>)}</ol> : <span className="muted">empty</span>],
            ]} />
          )}
        </QueryView>
      ) : null}
    </Section>
  );
}
