import { lazy, Suspense } from "react";
import { MODEL, type ModelData, type TrainingRunRow } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { Amount } from "../components/Amount";
import { AsOfBar, AsOfProvider, useAsOf } from "../components/AsOf";
import { VerifiedBadge } from "../components/Badges";
import { BadParam, KV, Loading, QueryView, Section } from "../components/States";
import { Addr, EntityLink, Hash, TxLink, Untrusted, UriText } from "../components/Text";
import { parseBlockParam } from "../lib/asOf";
import { formatInt, formatTime } from "../lib/format";

/** The graph (canvas, layout worker, folding) is its own chunk, loaded only on a model page. */
const LineageGraph = lazy(() => import("../lineage/LineageGraph").then((m) => ({ default: m.LineageGraph })));
import { Link } from "../router";
import { urls } from "../urls";
import { isId } from "../lib/params";

export function ModelPage({ id, block = null }: { id: string; block?: string | null }) {
  if (!isId(id)) return <BadParam what="model id" value={id} />;
  const asOf = parseBlockParam(block);
  if (!asOf.ok) return <BadParam what="block" value={block ?? ""} />;
  return (
    <AsOfProvider block={asOf.block}>
      <ModelView id={id} />
    </AsOfProvider>
  );
}

function ModelView({ id }: { id: string }) {
  const { variable } = useAsOf();
  const q = useQuery<ModelData>(MODEL, { id, block: variable });
  const model = q.data?.model;
  return (
    <div className="page">
      <div className="page-head">
        <h1>
          <span className="kind-tag kind-model">Model #{id}</span> {model ? <Untrusted value={model.name} max={60} /> : null}
        </h1>
      </div>
      <AsOfBar to={(b) => urls.model(id, b)} />
      <QueryView q={q} what="Loading model" isEmpty={(d) => d.model === null} empty={<>Model #{id} does not exist.</>}>
        {({ model: m }) => m && (
          <>
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
              <Suspense fallback={<div className="lineage-reserve"><Loading what="Loading the lineage graph" /></div>}>
                <LineageGraph target={{ kind: "model", id: m.id }} />
              </Suspense>
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
      <thead><tr>{showModel ? <th>Model</th> : null}<th>Version</th><th>Datanets</th><th>Check</th><th className="r" title="Shares of the attributions that drew on this run since it was recorded">Drawn on it</th><th className="r">Claimed count</th><th className="r">Recomputed</th><th>Claimed root</th><th>Time</th><th>Tx</th></tr></thead>
      <tbody>{runs.map((r) => (
        <tr key={`${r.modelId}:${r.version}`}>
          {showModel ? <td><EntityLink to={urls.model(r.modelId)} id={r.modelId} name={r.model?.name ?? null} max={22} /></td> : null}
          <td><Link to={urls.trainingRun(r.modelId, r.version)} className="mono">v{r.version}</Link></td>
          <td><span className="list">{r.datanets.map((d) => <EntityLink key={d.id} to={urls.datanet(d.id)} id={d.id} name={d.name} max={18} />)}</span></td>
          <td><VerifiedBadge verified={r.verified} /></td>
          <td className="r num"><Amount value={r.flow.amount} /> <span className="muted small">({formatInt(r.flow.attributionCount)})</span></td>
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
