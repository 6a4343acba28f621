import type { ReactNode } from "react";
import { ApiError } from "../api/client";
import { AsOfTag } from "./AsOf";
import { Untrusted } from "./Text";

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  const kind = error instanceof ApiError ? error.kind : "error";
  return (
    <div className="state error" role="alert">
      <strong>{kind === "network" ? "Cannot reach the API" : "Something went wrong"}</strong>
      <span className="error-msg">{error.message}</span>
      {retry ? (
        <button type="button" onClick={retry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** Loading / error / empty handling for a query result in one place. */
export function QueryView<T>({
  q,
  children,
  what,
  isEmpty,
  empty,
}: {
  q: { data: T | undefined; error: Error | undefined; loading: boolean; refetch: () => void };
  children: (data: T) => ReactNode;
  what?: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
}) {
  if (q.data === undefined) {
    if (q.error) return <ErrorBox error={q.error} retry={q.refetch} />;
    return <Loading what={what} />;
  }
  if (isEmpty?.(q.data)) return <Empty>{empty ?? "Nothing here yet."}</Empty>;
  return <>{children(q.data)}</>;
}

export function Section({ title, children, actions, id }: { title: ReactNode; children: ReactNode; actions?: ReactNode; id?: string }) {
  return (
    <section className="card" id={id}>
      <header className="card-head">
        <h2>{title}<AsOfTag /></h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

export function KV({ rows }: { rows: Array<[ReactNode, ReactNode]> }) {
  return (
    <dl className="kv">
      {rows.map(([k, v], i) => (
        <div className="kv-row" key={i}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Shown when a route parameter is malformed (a page never sends it to the API). */
export function BadParam({ what, value }: { what: string; value: string }) {
  return (
    <div className="page">
      <h1>Invalid {what}</h1>
      <div className="state error" role="alert">
        <span>
          <Untrusted value={value} max={80} /> is not a valid {what}.
        </span>
      </div>
    </div>
  );
}
