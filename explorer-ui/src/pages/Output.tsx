import { useEffect } from "react";
import { INFERENCES_BY_OUTPUT, type InferencesByOutputData } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { InferenceTable } from "../components/InferenceTable";
import { BadParam, QueryView, Section } from "../components/States";
import { Hash } from "../components/Text";
import { navigate } from "../router";
import { urls } from "../urls";
import { isHash } from "../lib/params";

export function OutputPage({ hash }: { hash: string }) {
  if (!isHash(hash)) return <BadParam what="output hash" value={hash} />;
  return <OutputView hash={hash.toLowerCase()} />;
}

function OutputView({ hash }: { hash: string }) {
  const q = useQuery<InferencesByOutputData>(INFERENCES_BY_OUTPUT, { outputHash: hash });
  const rows = q.data?.inferencesByOutput;
  useEffect(() => {
    if (rows && rows.length === 1) navigate(urls.inference(rows[0]!.id), { replace: true });
  }, [rows]);
  return (
    <div className="page">
      <div className="page-head"><h1>Output</h1><Hash value={hash} max={70} /></div>
      <Section title="Inferences that produced this output">
        <QueryView q={q} what="Looking up output" isEmpty={(d) => d.inferencesByOutput.length === 0} empty="No inference produced this output hash.">
          {(d) => <InferenceTable rows={d.inferencesByOutput} />}
        </QueryView>
      </Section>
    </div>
  );
}
