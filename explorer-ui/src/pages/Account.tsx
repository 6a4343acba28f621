import {
  ACCOUNT, ACCOUNT_CLAIMS, ACCOUNT_CONTRIBUTION_EARNINGS, ACCOUNT_CONTRIBUTIONS,
  type AccountClaimsData, type AccountContributionEarningsData, type AccountContributionsData, type AccountData, type ClaimRow, type ContributionEarningsRow, type ContributionRow,
} from "../api/queries";
import { useQuery } from "../api/useQuery";
import { Amount, ShareBar } from "../components/Amount";
import { AsOfBar, AsOfProvider, useAsOf } from "../components/AsOf";
import { StatusBadge } from "../components/Badges";
import { EarningsChart } from "../components/EarningsChart";
import { WhereDataWent } from "../components/WhereDataWent";
import { PagedView, usePaged } from "../components/Pager";
import { BadParam, ErrorBox, Section } from "../components/States";
import { Stat } from "../components/Stat";
import { Addr, EntityLink, TxLink, UriText } from "../components/Text";
import { formatAge, formatInt, formatTime, roleName } from "../lib/format";
import { ratio } from "../lib/series";
import { Link } from "../router";
import { urls } from "../urls";
import { parseBlockParam } from "../lib/asOf";
import { isAddress } from "../lib/params";

const big = (s: string) => {
  try { return BigInt(s); } catch { return 0n; }
};

/** Rows per list on the account page at first (more on "Load more"): ten keeps the page light on a phone. */
const ACCOUNT_PAGE = 10;

export function AccountPage({ address, block = null }: { address: string; block?: string | null }) {
  if (!isAddress(address)) return <BadParam what="address" value={address} />;
  const asOf = parseBlockParam(block);
  if (!asOf.ok) return <BadParam what="block" value={block ?? ""} />;
  return (
    <AsOfProvider block={asOf.block}>
      <AccountView address={address.toLowerCase()} />
    </AsOfProvider>
  );
}

function AccountView({ address }: { address: string }) {
  const { block, variable } = useAsOf();
  const q = useQuery<AccountData>(ACCOUNT, { address, limit: ACCOUNT_PAGE, block: variable });
  return (
    <div className="page">
      <div className="page-head">
        <h1>Account</h1>
        <Addr address={address} full />
        <a className="button" href={urls.earningsCsv(address, { toBlock: block })} download>
          {block === null ? "Download earnings CSV" : "Download earnings CSV to this block"}
        </a>
      </div>
      <AsOfBar to={(b) => urls.account(address, b)} />
      {q.error && !q.data ? <ErrorBox error={q.error} retry={q.refetch} /> : <AccountTotals a={q.data?.account} />}
      {/* Drawn once the account is there: below the chart nothing waits, so nothing is pushed down. */}
      {q.data ? (
        <>
          <Breakdown a={q.data.account} />
          <ContributionEarnings address={address} />
          <Contributions address={address} />
          <Claims address={address} />
          <WhereDataWent target={{ kind: "account", id: address }} />
        </>
      ) : null}
    </div>
  );
}

/** Earnings by role, model and datanet, and what the account owns. */
function Breakdown({ a }: { a: AccountData["account"] }) {
  const accrued = big(a.accrued);
  return (
    <>
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
      {a.datanetsOwned.length || a.modelsOwned.length ? (
        <Section title="Owns">
          <div className="list">
            {a.datanetsOwned.map((d) => <span key={`d${d.id}`}><span className="muted small">Datanet </span><EntityLink to={urls.datanet(d.id)} id={d.id} name={d.name} max={24} /></span>)}
            {a.modelsOwned.map((m) => <span key={`m${m.id}`}><span className="muted small">Model </span><EntityLink to={urls.model(m.id)} id={m.id} name={m.name} max={24} /></span>)}
          </div>
        </Section>
      ) : null}
    </>
  );
}

/** The three balances and the chart: their cards are drawn before the data, so nothing moves when it arrives. */
function AccountTotals({ a }: { a: AccountData["account"] | undefined }) {
  const wait = <span className="placeholder" aria-hidden="true">…</span>;
  return (
    <>
      <div className="stats big-stats" aria-busy={!a}>
        <Stat className="hl" label="Claimable" testId="claimable" value={a ? <Amount value={a.claimable} /> : wait} />
        <Stat label="Accrued" value={a ? <Amount value={a.accrued} /> : wait} />
        <Stat label="Claimed" value={a ? <Amount value={a.claimed} /> : wait} />
      </div>
      <Section title="Earnings over time">
        <EarningsChart days={a?.earningsByDay} />
      </Section>
    </>
  );
}

function ContributionEarnings({ address }: { address: string }) {
  const p = usePaged<AccountContributionEarningsData, ContributionEarningsRow>(ACCOUNT_CONTRIBUTION_EARNINGS, { address, block: useAsOf().variable }, (d) => d.account.earningsByContribution, ACCOUNT_PAGE);
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
  const p = usePaged<AccountContributionsData, ContributionRow>(ACCOUNT_CONTRIBUTIONS, { address, block: useAsOf().variable }, (d) => d.account.contributions, ACCOUNT_PAGE);
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
  const p = usePaged<AccountClaimsData, ClaimRow>(ACCOUNT_CLAIMS, { address, block: useAsOf().variable }, (d) => d.account.claims, ACCOUNT_PAGE);
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
