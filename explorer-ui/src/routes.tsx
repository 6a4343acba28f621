/** Every route of the explorer, in one place. Patterns use ":name" segments. */
import type { ReactElement } from "react";
import { AccountPage } from "./pages/Account";
import { AuditPage } from "./pages/Audit";
import { ContributionPage } from "./pages/Contribution";
import { DatanetPage } from "./pages/Datanet";
import { HomePage } from "./pages/Home";
import { InferencePage } from "./pages/Inference";
import { ModelPage } from "./pages/Model";
import { NotFoundPage } from "./pages/NotFound";
import { OutputPage } from "./pages/Output";
import { SearchPage } from "./pages/Search";
import { TrainingRunPage } from "./pages/TrainingRun";
import { TxPage } from "./pages/Tx";

type Params = Record<string, string>;
interface Route {
  pattern: string;
  title: (p: Params) => string;
  render: (p: Params, search: URLSearchParams) => ReactElement;
}

export const routes: Route[] = [
  { pattern: "/", title: () => "Overview", render: () => <HomePage /> },
  { pattern: "/search", title: () => "Search", render: (_p, s) => <SearchPage text={s.get("q") ?? ""} /> },
  { pattern: "/account/:address", title: (p) => `Account ${p.address}`, render: (p, s) => <AccountPage address={p.address!} block={s.get("block")} /> },
  { pattern: "/model/:id", title: (p) => `Model ${p.id}`, render: (p, s) => <ModelPage id={p.id!} block={s.get("block")} /> },
  { pattern: "/model/:id/run/:version", title: (p) => `Training run ${p.id} v${p.version}`, render: (p) => <TrainingRunPage modelId={p.id!} version={p.version!} /> },
  { pattern: "/datanet/:id", title: (p) => `Datanet ${p.id}`, render: (p, s) => <DatanetPage id={p.id!} status={s.get("status") ?? ""} block={s.get("block")} /> },
  { pattern: "/contribution/:id", title: (p) => `Contribution ${p.id}`, render: (p, s) => <ContributionPage id={p.id!} block={s.get("block")} /> },
  { pattern: "/inference/:id", title: (p) => `Inference ${p.id}`, render: (p) => <InferencePage id={p.id!} /> },
  { pattern: "/output/:hash", title: () => "Output", render: (p) => <OutputPage hash={p.hash!} /> },
  { pattern: "/tx/:hash", title: () => "Transaction", render: (p) => <TxPage hash={p.hash!} /> },
  {
    pattern: "/audit",
    title: () => "Audit",
    render: (_p, s) => <AuditPage tab={s.get("tab") === "runs" ? "runs" : "inferences"} rule={s.get("rule") ?? ""} model={s.get("model") ?? ""} datanet={s.get("datanet") ?? ""} />,
  },
];

/** Matches a pathname against a pattern; returns decoded params or null. */
export function matchPath(pattern: string, pathname: string): Params | null {
  const a = pattern.split("/").filter(Boolean);
  const b = pathname.replace(/\/+$/, "").split("/").filter(Boolean);
  if (a.length !== b.length) return null;
  const params: Params = {};
  for (let i = 0; i < a.length; i++) {
    const seg = a[i]!;
    if (seg.startsWith(":")) {
      try {
        params[seg.slice(1)] = decodeURIComponent(b[i]!);
      } catch {
        return null;
      }
    } else if (seg !== b[i]) return null;
  }
  return params;
}

export function resolve(pathname: string, search: URLSearchParams): { element: ReactElement; title: string; key: string } {
  for (const r of routes) {
    const p = matchPath(r.pattern, pathname);
    if (p) return { element: r.render(p, search), title: r.title(p), key: r.pattern + JSON.stringify(p) };
  }
  return { element: <NotFoundPage path={pathname} />, title: "Not found", key: "404" };
}
