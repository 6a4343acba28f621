import { DATANET, type ContributionRow, type DatanetData } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { Amount, Bps } from "../components/Amount";
import { AsOfBar, AsOfProvider, useAsOf } from "../components/AsOf";
import { PagedView, usePaged } from "../components/Pager";
import { BadParam, KV, QueryView, Section } from "../components/States";
import { WhereDataWent } from "../components/WhereDataWent";
import { Addr, EntityLink, Untrusted, UriText } from "../components/Text";
import { parseBlockParam } from "../lib/asOf";
import { formatInt, formatTime, statusName } from "../lib/format";
import { Link } from "../router";
import { urls } from "../urls";
import { ContributionTable } from "./Account";
import { isId } from "../lib/params";

const STATUSES = ["", "ACCEPTED", "PENDING", "REJECTED", "REVOKED"];

export function DatanetPage({ id, status, block = null }: { id: string; status: string; block?: string | null }) {
  if (!isId(id)) return <BadParam what="datanet id" value={id} />;
  const asOf = parseBlockParam(block);
  if (!asOf.ok) return <BadParam what="block" value={block ?? ""} />;
  return (
    <AsOfProvider block={asOf.block}>
      <DatanetView id={id} status={STATUSES.includes(status) ? status : ""} />
    </AsOfProvider>
  );
}

function DatanetView({ id, status }: { id: string; status: string }) {
  const { block, variable } = useAsOf();
  const q = useQuery<DatanetData>(DATANET, { id, status: null, limit: 1, after: null, block: variable });
  const contributions = usePaged<DatanetData, ContributionRow>(DATANET, { id, status: status || null, block: variable }, (d) => d.datanet?.contributions ?? { items: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } });
  const datanet = q.data?.datanet;
  return (
    <div className="page">
      <div className="page-head">
        <h1 data-testid="datanet-name">
          <span className="kind-tag kind-datanet">Datanet #{id}</span> {datanet ? <Untrusted value={datanet.name} max={60} /> : null}
        </h1>
      </div>
      <AsOfBar to={(b) => urls.datanet(id, status || undefined, b)} />
      <QueryView q={q} what="Loading datanet" isEmpty={(d) => d.datanet === null} empty={<>Datanet #{id} does not exist.</>}>
        {({ datanet: d }) => d && (
          <>
            <div className="grid-2">
              <Section title="Overview">
                <KV rows={[
                  ["Owner", <Addr address={d.owner} />],
                  ["Owner share", <Bps value={d.ownerShareBps} />],
                  ["Access", d.permissioned ? "Permissioned (allow-listed contributors)" : "Open to anyone"],
                  ["Metadata", <span data-testid="datanet-uri"><UriText value={d.metadataURI} /></span>],
                  ["Total paid", <span><Amount value={d.totalPaid} /> <span className="muted small">over {formatInt(d.attributionCount)} attributions</span></span>],
                  ["To the owner", <Amount value={d.ownerCutTotal} />],
                  ["To contributors", <Amount value={d.contributorCutTotal} />],
                  ["Created", <span>{formatTime(d.timestamp)} · block <span className="mono">{formatInt(d.blockNumber)}</span></span>],
                ]} />
              </Section>
              <Section title="Contributions by status">
                <div className="status-tiles">
                  {(["accepted", "pending", "rejected", "revoked"] as const).map((k) => (
                    <Link key={k} to={urls.datanet(d.id, k.toUpperCase())} className={`tile tile-${k}${status === k.toUpperCase() ? " on" : ""}`}>
                      <span className="tile-n num">{formatInt(d.contributionCounts[k])}</span>
                      <span className="tile-l">{statusName(k.toUpperCase())}</span>
                    </Link>
                  ))}
                </div>
              </Section>
            </div>
            <div className="grid-2">
              <Section title={`Models trained on it (${d.models.length})`}>
                {d.models.length === 0 ? <div className="state empty">No model has trained on this datanet.</div> : (
                  <table className="table">
                    <thead><tr><th>Model</th><th>Owner</th><th className="r">Inferences</th><th className="r">Fees</th></tr></thead>
                    <tbody>{d.models.map((m) => (
                      <tr key={m.id}><td><EntityLink to={urls.model(m.id)} id={m.id} name={m.name} max={24} /></td><td><Addr address={m.owner} /></td><td className="r num">{formatInt(m.inferenceCount)}</td><td className="r"><Amount value={m.totalFees} /></td></tr>
                    ))}</tbody>
                  </table>
                )}
              </Section>
              <Section title={`Paid to (${d.payees.totalCount})`}>
                {d.payees.items.length === 0 ? <div className="state empty">Nothing paid yet.</div> : (
                  <table className="table">
                    <thead><tr><th>Account</th><th className="r">Attributions</th><th className="r">As owner</th><th className="r">As contributor</th><th className="r">Total</th></tr></thead>
                    <tbody>{d.payees.items.map((p, i) => (
                      <tr key={`${p.account}:${i}`}>
                        <td><Addr address={p.account} /></td>
                        <td className="r num">{formatInt(p.attributionCount)}</td>
                        <td className="r"><Amount value={p.ownerCut} /></td>
                        <td className="r"><Amount value={p.contributorCut} /></td>
                        <td className="r"><Amount value={p.accrued} /></td>
                      </tr>
                    ))}</tbody>
                  </table>
                )}
              </Section>
            </div>
          </>
        )}
      </QueryView>
      {q.data?.datanet ? (
        <Section
          title={<>Contributions{status ? ` · ${statusName(status)}` : ""}</>}
          actions={<span className="seg">{STATUSES.map((s) => <Link key={s} to={urls.datanet(id, s || undefined, block)} className={s === status ? "on" : undefined}>{s ? statusName(s) : "All"}</Link>)}</span>}
        >
          <PagedView p={contributions} empty="No contributions with this status.">
            {(items) => <ContributionTable rows={items} showContributor />}
          </PagedView>
        </Section>
      ) : null}
      {q.data?.datanet ? <WhereDataWent target={{ kind: "datanet", id: q.data.datanet.id }} /> : null}
    </div>
  );
}
