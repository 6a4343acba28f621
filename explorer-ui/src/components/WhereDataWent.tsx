/**
 * "Where this data went": the downstream lineage of a contribution, datanet or account (training
 * runs that drew on it, the models they trained, adapters, the inferences that attributed it), drawn
 * by the model page's renderer, as of the page's block. The graph is its own chunk, loaded (with its
 * query) when the section nears the viewport; its space is reserved until then, so nothing jumps.
 */
import { lazy, Suspense, useRef, useState } from "react";
import type { LineageTarget } from "../api/queries";
import { Loading, Section } from "./States";
import { useNearViewport } from "./useNearViewport";

const LineageGraph = lazy(() => import("../lineage/LineageGraph").then((m) => ({ default: m.LineageGraph })));

export function WhereDataWent({ target }: { target: LineageTarget & { kind: "contribution" | "datanet" | "account" } }) {
  const anchor = useRef<HTMLDivElement>(null);
  const near = useNearViewport(anchor);
  const [asked, setAsked] = useState(false);
  const loading = <div className="lineage-reserve"><Loading what="Loading the lineage graph" /></div>;
  // Before it nears the viewport: the same space, and a button for whoever reaches it without scrolling
  // (a screen reader's cursor, a keyboard's Tab).
  const waiting = (
    <div className="lineage-reserve lineage-waiting">
      <button type="button" onClick={() => setAsked(true)}>Draw the graph</button>
    </div>
  );
  return (
    <Section title="Where this data went" id="where-data-went">
      <div ref={anchor}>
        {near || asked ? <Suspense fallback={loading}><LineageGraph target={target} /></Suspense> : waiting}
      </div>
    </Section>
  );
}
