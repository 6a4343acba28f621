import { SEARCH, type SearchData } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { BadParam, QueryView, Section } from "../components/States";
import { Hash, Untrusted } from "../components/Text";
import { Link } from "../router";
import { urlForEntity } from "../urls";
import { isHash } from "../lib/params";

/** A transaction: what the indexer recorded from it (found through `search`). */
export function TxPage({ hash }: { hash: string }) {
  if (!isHash(hash)) return <BadParam what="transaction hash" value={hash} />;
  return <TxView hash={hash.toLowerCase()} />;
}

function TxView({ hash }: { hash: string }) {
  const q = useQuery<SearchData>(SEARCH, { text: hash, limit: 50 });
  return (
    <div className="page">
      <div className="page-head"><h1>Transaction</h1><Hash value={hash} max={70} /></div>
      <Section title="Recorded in this transaction">
        <QueryView
          q={q}
          what="Looking up transaction"
          isEmpty={(d) => d.search.filter((r) => r.kind !== "TRANSACTION").length === 0}
          empty="The indexer recorded nothing from this transaction (it may not touch the protocol's contracts)."
        >
          {(d) => (
            <ul className="results">
              {d.search.filter((r) => r.kind !== "TRANSACTION").map((r, i) => (
                <li key={i}>
                  <span className="badge neutral">{r.kind}</span>
                  <Link to={urlForEntity(r.kind, r.id)}><Untrusted value={r.label || r.id} max={70} copy={false} /></Link>
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </Section>
    </div>
  );
}
