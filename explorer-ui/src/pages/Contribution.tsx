import { CONTRIBUTION, type ContributionData } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { Amount, Bps } from "../components/Amount";
import { StatusBadge } from "../components/Badges";
import { KV, QueryView, Section } from "../components/States";
import { Addr, EntityLink, Hash, TxLink, Untrusted, UriText } from "../components/Text";
import { formatInt, formatTime } from "../lib/format";
import { urls } from "../urls";
import { BadParam, isId } from "./NotFound";

export function ContributionPage({ id }: { id: string }) {
  if (!isId(id)) return <BadParam what="contribution id" value={id} />;
  return <ContributionView id={id} />;
}

function ContributionView({ id }: { id: string }) {
  const q = useQuery<ContributionData>(CONTRIBUTION, { id });
  return (
    <div className="page">
      <QueryView q={q} what="Loading contribution" isEmpty={(d) => d.contribution === null} empty={<>Contribution #{id} does not exist.</>}>
        {({ contribution: c }) => c && (
          <>
            <div className="page-head">
              <h1><span className="kind-tag kind-contribution">Contribution #{c.id}</span></h1>
              <StatusBadge status={c.status} />
            </div>
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
