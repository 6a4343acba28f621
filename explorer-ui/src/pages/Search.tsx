import { useEffect } from "react";
import { SEARCH, type SearchData } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { Empty, Loading, QueryView } from "../components/States";
import { Untrusted } from "../components/Text";
import { Link, navigate } from "../router";
import { urlForEntity } from "../urls";

const KIND_LABEL: Record<string, string> = {
  ACCOUNT: "Account", DATANET: "Datanet", MODEL: "Model", CONTRIBUTION: "Contribution",
  INFERENCE: "Inference", TRAINING_RUN: "Training run", TRANSACTION: "Transaction",
};

export function SearchPage({ text }: { text: string }) {
  const q = useQuery<SearchData>(SEARCH, { text, limit: 25 }, { skip: text.trim() === "" });
  const results = q.data?.search;
  // One clear hit: go straight there (replacing the search page in history).
  useEffect(() => {
    if (results && results.length === 1) navigate(urlForEntity(results[0]!.kind, results[0]!.id), { replace: true });
  }, [results]);
  if (text.trim() === "") return <div className="page"><h1>Search</h1><Empty>Type an address, id, name, output hash or transaction hash.</Empty></div>;
  return (
    <div className="page">
      <h1>
        Search: <Untrusted value={text} max={60} copy={false} />
      </h1>
      <QueryView q={q} what="Searching" isEmpty={(d) => d.search.length === 0} empty={<>Nothing matches <Untrusted value={text} max={60} copy={false} />.</>}>
        {(d) => d.search.length === 1 ? <Loading what="Opening the one result" /> : (
          <ul className="results">
            {d.search.map((r, i) => (
              <li key={`${r.kind}:${r.id}:${i}`}>
                <span className="badge neutral">{KIND_LABEL[r.kind] ?? r.kind}</span>
                <Link to={urlForEntity(r.kind, r.id)} className="result-link">
                  <Untrusted value={r.label || r.id} max={70} copy={false} />
                </Link>
                <span className="muted mono small">{r.id.length > 20 ? `${r.id.slice(0, 10)}…${r.id.slice(-6)}` : r.id}</span>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </div>
  );
}
