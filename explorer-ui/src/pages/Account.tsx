import {
  ACCOUNT, ACCOUNT_CLAIMS, ACCOUNT_CONTRIBUTION_EARNINGS, ACCOUNT_CONTRIBUTIONS,
  type AccountClaimsData, type AccountContributionEarningsData, type AccountContributionsData, type AccountData, type ClaimRow, type ContributionEarningsRow, type ContributionRow,
} from "../api/queries";
import { useQuery } from "../api/useQuery";
import { Amount, ShareBar } from "../components/Amount";
import { StatusBadge } from "../components/Badges";
import { EarningsChart } from "../components/EarningsChart";
import { PagedView, usePaged } from "../components/Pager";
import { QueryView, Section } from "../components/States";
import { Addr, EntityLink, TxLink, UriText } from "../components/Text";
import { formatAge, formatInt, formatTime, roleName } from "../lib/format";
import { ratio } from "../lib/series";
import { Link } from "../router";
import { urls } from "../urls";
import { BadParam, isAddress } from "./NotFound";

const big = (s: string) => {
  try { return BigInt(s); } catch { return 0n; }
};

export function AccountPage({ address }: { address: string }) {
  if (!isAddress(address)) return <BadParam what="address" value={address} />;
  return <AccountView address={address.toLowerCase()} />;
}

function AccountView({ address }: { address: string }) {
  const q = useQuery<AccountData>(ACCOUNT, { address, limit: 20 });
  return (
    <div className="page">
      <div className="page-head">
        <h1>Account</h1>
        <Addr address={address} full />
        <a className="button" href={urls.earningsCsv(address)} download>Download earnings CSV</a>
      </div>
      <QueryView q={q} what="Loading account">
        {({ account: a }) => {
          const accrued = big(a.accrued);
          return (
            <>
              <div className="stats big-stats">
                <div className="stat hl"><div className="stat-label">Claimable</div><div className="stat-value" data-testid="claimable"><Amount value={a.claimable} /></div></div>
                <div className="stat"><div className="stat-label">Accrued</div><div className="stat-value"><Amount value={a.accrued} /></div></div>
                <div className="stat"><div className="stat-label">Claimed</div><div className="stat-value"><Amount value={a.claimed} /></div></div>
                {a.datanetsOwned.length ? <div className="stat"><div className="stat-label">Owns datanets</div><div className="stat-value small">{a.datanetsOwned.map((d) => <div key={d.id}><EntityLink to={urls.datanet(d.id)} id={d.id} name={d.name} max={24} /></div>)}</div></div> : null}
                {a.modelsOwned.length ? <div className="stat"><div className="stat-label">Owns models</div><div className="stat-value small">{a.modelsOwned.map((m) => <div key={m.id}><EntityLink to={urls.model(m.id)} id={m.id} name={m.name} max={24} /></div>)}</div></div> : null}
              </div>
              <Section title="Earnings over time">
                <EarningsChart days={a.earningsByDay} />
              </Section>
              <div className="grid-3">
                <Section title="By role">
                  {a.earningsByRole.length === 0 ? <div className="state empty">No earnings.</div> : (
                    <table className="table">
                      <thead><tr><th>Role</th><th className="r">Accruals</th><th className="r">Accrued</th></tr></thead>
                      <tbody>{a.earningsByRole.map((r) => (
                        <tr key={r.role}><td>{roleName(r.role)}<ShareBar fraction={ratio(big(r.accrued), accrued)} /></td><td className="r num">{formatInt(r.accrualCount)}</td><td className="r"><Amount value={r.accrued} /></td></tr>
                      ))}</tbody>
                    </table>
                  )}
                </Section>
                <Section title={`By model (${a.earningsByModel.totalCount})`}>
                  {a.earningsByModel.items.length === 0 ? <div className="state empty">No model earnings.</div> : (
                    <table className="table">
                      <thead><tr><th>Model</th><th className="r">Accrued</th></tr></thead>
                      <tbody>{a.earningsByModel.items.map((m) => (
                        <tr key={m.modelId}><td><EntityLink to={urls.model(m.modelId)} id={m.modelId} name={m.model?.name ?? null} max={24} /><ShareBar fraction={ratio(big(m.accrued), accrued)} /></td><td className="r"><Amount value={m.accrued} /></td></tr>
                      ))}</tbody>
                    </table>
                  )}
                </Section>
                <Section title={`By datanet (${a.earningsByDatanet.totalCount})`}>
                  {a.earningsByDatanet.items.length === 0 ? <div className="state empty">No datanet earnings.</div> : (
                    <table className="table">
                      <thead><tr><th>Datanet</th><th className="r">Accrued</th></tr></thead>
                      <tbody>{a.earningsByDatanet.items.map((d) => (
                        <tr key={d.datanetId}><td><EntityLink to={urls.datanet(d.datanetId)} id={d.datanetId} name={d.datanet?.name ?? null} max={24} /><ShareBar fraction={ratio(big(d.accrued), accrued)} /></td><td className="r"><Amount value={d.accrued} /></td></tr>
                      ))}</tbody>
                    </table>
                  )}
                </Section>
              </div>
            </>
          );
        }}
      </QueryView>
      <ContributionEarnings address={address} />
      <Contributions address={address} />
      <Claims address={address} />
    </div>
  );
}

function ContributionEarnings({ address }: { address: string }) {
  const p = usePaged<AccountContributionEarningsData, ContributionEarningsRow>(ACCOUNT_CONTRIBUTION_EARNINGS, { address }, (d) => d.account.earningsByContribution);
  return (
    <Section title="What each contribution earned">
      <PagedView p={p} empty="No contribution earned anything yet.">
        {(items) => (
          <div className="table-wrap"><table className="table">
            <thead><tr><th>Contribution</th><th>Datanet</th><th>Status</th><th className="r">Inferences</th><th className="r">Total share</th><th className="r">To datanet owner</th><th className="r">Earned by this account</th></tr></thead>
            <tbody>{items.map((c) => (
              <tr key={c.contributionId}>
                <td><Link to={urls.contribution(c.contributionId)} className="mono">#{c.contributionId}</Link></td>
                <td>{c.contribution ? <EntityLink to={urls.datanet(c.contribution.datanetId)} id={c.contribution.datanetId} name={c.contribution.datanet?.name ?? null} max={22} /> : "–"}</td>
                <td>{c.contribution ? <StatusBadge status={c.contribution.status} /> : "–"}</td>
                <td className="r num">{formatInt(c.inferenceCount)}</td>
                <td className="r"><Amount value={c.share} /></td>
                <td className="r"><Amount value={c.ownerCut} /></td>
                <td className="r"><strong><Amount value={c.accrued} /></strong></td>
              </tr>
            ))}</tbody>
          </table></div>
        )}
      </PagedView>
    </Section>
  );
}

function Contributions({ address }: { address: string }) {
  const p = usePaged<AccountContributionsData, ContributionRow>(ACCOUNT_CONTRIBUTIONS, { address }, (d) => d.account.contributions);
  return (
    <Section title="Contributions submitted">
      <PagedView p={p} empty="This account has not contributed data.">
        {(items) => <ContributionTable rows={items} showDatanet />}
      </PagedView>
    </Section>
  );
}

export function ContributionTable({ rows, showDatanet = false, showContributor = false }: { rows: ContributionRow[]; showDatanet?: boolean; showContributor?: boolean }) {
  return (
    <div className="table-wrap"><table className="table">
      <thead><tr><th>Contribution</th>{showDatanet ? <th>Datanet</th> : null}{showContributor ? <th>Contributor</th> : null}<th>URI</th><th>Status</th><th className="r">Inferences</th><th className="r">Earned</th><th>Age</th></tr></thead>
      <tbody>{rows.map((c) => (
        <tr key={c.id}>
          <td><Link to={urls.contribution(c.id)} className="mono">#{c.id}</Link></td>
          {showDatanet ? <td><EntityLink to={urls.datanet(c.datanetId)} id={c.datanetId} name={c.datanet?.name ?? null} max={22} /></td> : null}
          {showContributor ? <td><Addr address={c.contributor} /></td> : null}
          <td><UriText value={c.uri} max={28} /></td>
          <td><StatusBadge status={c.status} /></td>
          <td className="r num">{formatInt(c.inferenceCount)}</td>
          <td className="r"><Amount value={c.earned} /></td>
          <td className="muted nowrap" title={formatTime(c.timestamp)}>{formatAge(c.timestamp)}</td>
        </tr>
      ))}</tbody>
    </table></div>
  );
}

function Claims({ address }: { address: string }) {
  const p = usePaged<AccountClaimsData, ClaimRow>(ACCOUNT_CLAIMS, { address }, (d) => d.account.claims);
  return (
    <Section title="Claims">
      <PagedView p={p} empty="No claims yet.">
        {(items) => (
          <div className="table-wrap"><table className="table">
            <thead><tr><th>Time</th><th>Paid to</th><th className="r">Amount</th><th>Block</th><th>Transaction</th></tr></thead>
            <tbody>{items.map((c, i) => (
              <tr key={`${c.transactionHash}:${i}`}>
                <td className="nowrap">{formatTime(c.timestamp)}</td>
                <td><Addr address={c.to} /></td>
                <td className="r"><Amount value={c.amount} /></td>
                <td className="mono">{formatInt(c.blockNumber)}</td>
                <td><TxLink hash={c.transactionHash} /></td>
              </tr>
            ))}</tbody>
          </table></div>
        )}
      </PagedView>
    </Section>
  );
}
