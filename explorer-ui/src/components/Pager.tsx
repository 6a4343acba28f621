/** "Load more" paging over a cursor-paged query: pages are kept and concatenated. */
import { startTransition, useEffect, useState, type ReactNode } from "react";
import { gql } from "../api/client";
import type { Page } from "../api/queries";
import { ErrorBox, Loading } from "./States";

export function usePaged<D, T>(query: string, vars: Record<string, unknown>, pick: (d: D) => Page<T>, pageSize = 25) {
  const key = JSON.stringify(vars);
  const [pages, setPages] = useState<Page<T>[]>([]);
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [reload, setReload] = useState(0);

  const load = (after: string | null, reset: boolean, signal?: AbortSignal) => {
    setLoading(true);
    setError(undefined);
    gql<D>(query, { ...JSON.parse(key), limit: pageSize, after }, signal).then(
      (d) => {
        if (signal?.aborted) return;
        // Rendered as a transition (in slices), like useQuery's data.
        startTransition(() => {
          setPages((p) => (reset ? [pick(d)] : [...p, pick(d)]));
          setLoading(false);
        });
      },
      (e: Error) => {
        if (signal?.aborted || e?.name === "AbortError") return;
        setError(e);
        setLoading(false);
      },
    );
  };
  useEffect(() => {
    const ctrl = new AbortController();
    setPages([]);
    load(null, true, ctrl.signal);
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, key, reload]);

  const last = pages[pages.length - 1];
  return {
    items: pages.flatMap((p) => p.items),
    total: last?.totalCount ?? 0,
    loaded: pages.length > 0,
    hasMore: !!last?.pageInfo.hasNextPage,
    loading,
    error,
    more: () => last?.pageInfo.endCursor && load(last.pageInfo.endCursor, false),
    retry: () => setReload((r) => r + 1),
  };
}

export function PagedView<T>({ p, empty, children }: { p: ReturnType<typeof usePaged<unknown, T>>; empty: ReactNode; children: (items: T[]) => ReactNode }) {
  if (!p.loaded) return p.error ? <ErrorBox error={p.error} retry={p.retry} /> : <Loading />;
  if (p.items.length === 0) return <div className="state empty">{empty}</div>;
  return (
    <>
      {children(p.items)}
      <div className="pager">
        <span className="muted">
          {p.items.length} of {p.total}
        </span>
        {p.error ? <ErrorBox error={p.error} retry={() => p.more()} /> : null}
        {p.hasMore ? (
          <button type="button" onClick={() => p.more()} disabled={p.loading}>
            {p.loading ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </div>
    </>
  );
}
