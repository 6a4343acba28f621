/** The lineage graph's "table view": the drawn nodes and edges as two sortable tables, folded the same way. */
import { useMemo, useState, type ReactNode } from "react";
import { Amount, Ppm } from "../components/Amount";
import { Untrusted } from "../components/Text";
import { formatInt } from "../lib/format";
import { Link } from "../router";
import { urlForLineageNode } from "../urls";
import type { FoldGroup } from "./fold";
import { kindName } from "./keynav";
import { edgeRows, nextSort, nodeRows, sortEdges, sortNodes, TABLE_PAGE as PAGE, type Sort, type SortKey } from "./table";
import type { LineageEdge, LineageNode } from "./types";


interface Props {
  nodes: LineageNode[];
  edges: LineageEdge[];
  folds: Map<string, FoldGroup>;
  onExpand: (parentId: string, group?: FoldGroup) => void;
}

export function LineageTable({ nodes, edges, folds, onExpand }: Props) {
  const [nodeSort, setNodeSort] = useState<Sort>({ key: "weight", dir: "desc" });
  const [edgeSort, setEdgeSort] = useState<Sort>({ key: "weight", dir: "desc" });
  const [nodeMax, setNodeMax] = useState(PAGE);
  const [edgeMax, setEdgeMax] = useState(PAGE);
  const nrows = useMemo(() => sortNodes(nodeRows(nodes, edges), nodeSort), [nodes, edges, nodeSort]);
  const erows = useMemo(() => sortEdges(edgeRows(nodes, edges), edgeSort), [nodes, edges, edgeSort]);

  const name = (n: LineageNode) => {
    const fold = folds.get(n.id);
    if (fold) return <button type="button" className="linkish" onClick={() => onExpand(fold.parentId, fold)}>{n.label} <span className="muted">show</span></button>;
    const url = urlForLineageNode(n.kind, n.entityId);
    const text = <Untrusted value={n.label || `#${n.entityId}`} max={48} copy={false} />;
    return url ? <Link to={url}>{text}</Link> : text;
  };
  const head = (sort: Sort, set: (s: Sort) => void, key: SortKey, label: string, right = false) => (
    <th className={right ? "r" : undefined} aria-sort={sort.key === key ? (sort.dir === "asc" ? "ascending" : "descending") : undefined} scope="col">
      <button type="button" className="sort" onClick={() => set(nextSort(sort, key))}>
        {label}
        <span aria-hidden="true" className="sort-mark">{sort.key === key ? (sort.dir === "asc" ? "▲" : "▼") : "↕"}</span>
      </button>
    </th>
  );
  const more = (shown: number, total: number, set: (n: number) => void): ReactNode =>
    total > shown ? (
      <div className="pager">
        <span className="muted">{formatInt(shown)} of {formatInt(total)}</span>
        <button type="button" onClick={() => set(shown + PAGE * 10)}>Show {formatInt(Math.min(PAGE * 10, total - shown))} more</button>
      </div>
    ) : null;

  return (
    <div className="lineage-table">
      <div className="table-wrap">
        <table className="table">
          <caption>Nodes ({formatInt(nodes.length)})</caption>
          <thead>
            <tr>
              {head(nodeSort, setNodeSort, "kind", "Kind")}
              {head(nodeSort, setNodeSort, "label", "Name")}
              {head(nodeSort, setNodeSort, "weight", "Weight", true)}
              {head(nodeSort, setNodeSort, "amount", "Amount", true)}
              {head(nodeSort, setNodeSort, "links", "Edges", true)}
            </tr>
          </thead>
          <tbody>
            {nrows.slice(0, nodeMax).map(({ node: n, links }) => (
              <tr key={n.id}>
                <td className="nowrap">{kindName(n.kind)}</td>
                <td>{name(n)}</td>
                <td className="r"><Ppm value={n.weightPpm} /></td>
                <td className="r"><Amount value={n.amount} /></td>
                <td className="r num">{formatInt(links)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more(nodeMax, nrows.length, setNodeMax)}
      <div className="table-wrap">
        <table className="table">
          <caption>Edges ({formatInt(edges.length)}): data flows from left to right</caption>
          <thead>
            <tr>
              {head(edgeSort, setEdgeSort, "from", "From")}
              {head(edgeSort, setEdgeSort, "to", "To")}
              {head(edgeSort, setEdgeSort, "kind", "Link")}
              {head(edgeSort, setEdgeSort, "weight", "Weight", true)}
              {head(edgeSort, setEdgeSort, "amount", "Amount", true)}
            </tr>
          </thead>
          <tbody>
            {erows.slice(0, edgeMax).map(({ edge: e, from, to }) => (
              <tr key={`${e.from}>${e.to}>${e.kind}`}>
                <td><span className="muted small">{kindName(from.kind)}</span> {name(from)}</td>
                <td><span className="muted small">{kindName(to.kind)}</span> {name(to)}</td>
                <td className={e.kind === "UNTRAINED" ? "bad-text nowrap" : "nowrap"}>{e.kind === "UNTRAINED" ? "untrained (audit finding)" : e.kind.toLowerCase().replace(/_/g, " ")}</td>
                <td className="r"><Ppm value={e.weightPpm} /></td>
                <td className="r"><Amount value={e.amount} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more(edgeMax, erows.length, setEdgeMax)}
    </div>
  );
}
