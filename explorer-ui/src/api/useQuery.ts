import { startTransition, useCallback, useEffect, useRef, useState } from "react";
import { gql } from "./client";

export interface QueryState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  refetch: () => void;
}

/**
 * Runs a query when its variables change (compared as JSON), optionally polling. Keeps the last
 * data while refetching so live views do not flicker, and a refresh whose answer is unchanged (most
 * polls) renders nothing. `skip` defers the query.
 */
export function useQuery<T>(query: string, variables: Record<string, unknown>, opts: { pollMs?: number; skip?: boolean } = {}): QueryState<T> {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<{ data?: T; json?: string; error?: Error; loading: boolean; key: string }>({ loading: !opts.skip, key });
  const [tick, setTick] = useState(0);
  const refetch = useCallback(() => setTick((t) => t + 1), []);
  const keyRef = useRef(key);
  keyRef.current = key;

  useEffect(() => {
    if (opts.skip) return;
    const ctrl = new AbortController();
    // Refreshing data already shown (a poll) happens in the background: no loading state, no render.
    setState((s) => (s.key === key && s.data !== undefined ? s : { error: undefined, loading: true, key }));
    gql<T>(query, JSON.parse(key) as Record<string, unknown>, ctrl.signal).then(
      (data) => {
        if (ctrl.signal.aborted) return;
        const json = JSON.stringify(data);
        // Unchanged data renders nothing; new data renders as a transition: in slices, not in one long
        // task that blocks input.
        startTransition(() => setState((s) => (s.key === key && s.json === json && !s.error ? (s.loading ? { ...s, loading: false } : s) : { data, json, error: undefined, loading: false, key })));
      },
      (error: Error) => {
        if (!ctrl.signal.aborted && error?.name !== "AbortError") setState((s) => ({ data: s.key === key ? s.data : undefined, error, loading: false, key }));
      },
    );
    return () => ctrl.abort();
  }, [query, key, tick, opts.skip]);

  useEffect(() => {
    if (!opts.pollMs || opts.skip) return;
    const t = setInterval(() => {
      if (document.visibilityState === "visible") setTick((x) => x + 1);
    }, opts.pollMs);
    return () => clearInterval(t);
  }, [opts.pollMs, opts.skip]);

  const fresh = state.key === key;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : undefined, loading: !fresh || state.loading, refetch };
}
