import { MODEL, type ModelData, type TrainingRunRow } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { Amount } from "../components/Amount";
import { VerifiedBadge } from "../components/Badges";
import { KV, QueryView, Section } from "../components/States";
import { Addr, EntityLink, Hash, TxLink, Untrusted, UriText } from "../components/Text";
import { formatInt, formatTime } from "../lib/format";
import { LineageGraph } from "../lineage/LineageGraph";
import { Link } from "../router";
import { urls } from "../urls";
import { BadParam, isId } from "./NotFound";

export function ModelPage({ id }: { id: string }) {
  if (!isId(id)) return <BadParam what="model id" value={id} />;
  return <ModelView id={id} />;
}

function ModelView({ id }: { id: string }) {
  const q = useQuery<ModelData>(MODEL, { id });
  return (
    <div className="page">
      <QueryView q={q} what="Loading model" isEmpty={(d) => d.model === null} empty={<>Model #{id} does not exist.</>}>
        {({ model: m }) => m && (
          <>
            <div className="page-head">
              <h1>
                <span className="kind-tag kind-model">Model #{m.id}</span> <Untrusted value={m.name} max={60} />
              </h1>
            </div>
            <div className="grid-2">
              <Section title="Overview">
                <KV rows={[
                  ["Owner", <Addr address={m.owner} />],
                  ["Base model", <Untrusted value={m.baseModel} max={48} />],
                  ["Metadata", <UriText value={m.metadataURI} />],
                  ["Inferences", <span className="num">{formatInt(m.inferenceCount)}</span>],
                  ["Fees paid", <Amount value={m.totalFees} />],
                  ["Registered", <span>{formatTime(m.timestamp)} · block <span className="mono">{formatInt(m.blockNumber)}</span></span>],
                ]} />
              </Section>
              <Section title="Family">
                <KV rows={[
                  ["Adapts", m.parent ? <EntityLink to={urls.model(m.parent.id)} id={m.parent.id} name={m.parent.name} /> : <span className="muted">a base model (no parent)</span>],
                  ["Adapters", m.adapters.length ? <span className="list">{m.adapters.map((a) => <EntityLink key={a.id} to={urls.model(a.id)} id={a.id} name={a.name} max={24} />)}</span> : <span className="muted">none</span>],
                ]} />
              </Section>
            </div>
            <Section title={`Training runs (${m.trainingRuns.length})`}>
              {m.trainingRuns.length === 0 ? <div className="state empty">This model has no recorded training run.</div> : <TrainingRunTable runs={m.trainingRuns} />}
            </Section>
            <Section title="Lineage" id="lineage">
              <LineageGraph modelId={m.id} />
            </Section>
          </>
        )}
      </QueryView>
    </div>
  );
}

export function TrainingRunTable({ runs, showModel = false }: { runs: TrainingRunRow[]; showModel?: boolean }) {
  return (
    <div className="table-wrap"><table className="table">
      <thead><tr>{showModel ? <th>Model</th> : null}<th>Version</th><th>Datanets</th><th>Check</th><th className="r">Claimed count</th><th className="r">Recomputed</th><th>Claimed root</th><th>Time</th><th>Tx</th></tr></thead>
      <tbody>{runs.map((r) => (
        <tr key={`${r.modelId}:${r.version}`}>
          {showModel ? <td><EntityLink to={urls.model(r.modelId)} id={r.modelId} name={r.model?.name ?? null} max={22} /></td> : null}
          <td><Link to={urls.trainingRun(r.modelId, r.version)} className="mono">v{r.version}</Link></td>
          <td><span className="list">{r.datanets.map((d) => <EntityLink key={d.id} to={urls.datanet(d.id)} id={d.id} name={d.name} max={18} />)}</span></td>
          <td><VerifiedBadge verified={r.verified} /></td>
          <td className="r num">{formatInt(r.claimedCount)}</td>
          <td className={`r num${r.recomputedCount !== r.claimedCount ? " bad-text" : ""}`}>{formatInt(r.recomputedCount)}</td>
          <td><Hash value={r.claimedRoot} /></td>
          <td className="nowrap muted">{formatTime(r.timestamp)}</td>
          <td><TxLink hash={r.transactionHash} /></td>
        </tr>
      ))}</tbody>
    </table></div>
  );
}
