/**
 * "Where this data went": the downstream lineage of a contribution, datanet or account (training
 * runs that drew on it, the models they trained, adapters, the inferences that attributed it), drawn
 * by the model page's renderer, as of the page's block. The graph is its own chunk, loaded when shown.
 */
import { lazy, Suspense } from "react";
import type { LineageTarget } from "../api/queries";
import { Loading, Section } from "./States";

const LineageGraph = lazy(() => import("../lineage/LineageGraph").then((m) => ({ default: m.LineageGraph })));

export function WhereDataWent({ target }: { target: LineageTarget & { kind: "contribution" | "datanet" | "account" } }) {
  return (
    <Section title="Where this data went" id="where-data-went">
      <Suspense fallback={<div className="lineage-reserve"><Loading what="Loading the lineage graph" /></div>}>
        <LineageGraph target={target} />
      </Suspense>
    </Section>
  );
}
