/**
 * "As of a block" on the account, model, datanet and contribution pages: the control (a block
 * number or a date, resolved by the API to the last block at or before it), the URL that carries
 * it (?block=N, so a link reproduces the view) and the marker every figure gets while it is
 * historical (Stat and Section read the context).
 */
import { createContext, useContext, useId, useState, type FormEvent, type ReactNode } from "react";
import { gql } from "../api/client";
import { BLOCK_AT, type BlockAtData } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { blockVariable, parseAsOfInput } from "../lib/asOf";
import { formatInt, formatTime } from "../lib/format";
import { Link, navigate } from "../router";

const AsOfContext = createContext<string | null>(null);

/** The block the page answers at (null: now) and the GraphQL `block` argument for it. */
export function useAsOf(): { block: string | null; variable: { number: string } | null } {
  const block = useContext(AsOfContext);
  return { block, variable: blockVariable(block) };
}

export function AsOfProvider({ block, children }: { block: string | null; children: ReactNode }) {
  return <AsOfContext.Provider value={block}>{children}</AsOfContext.Provider>;
}

/** The marker beside a figure's label while the page is historical; nothing when it is now. */
export function AsOfTag() {
  const block = useContext(AsOfContext);
  if (block === null) return null;
  return (
    <span className="asof-tag" title={`As of block ${formatInt(block)}, not now`}>
      <span className="sr-only">as of block {block}</span>
      <span aria-hidden="true">@{formatInt(block)}</span>
    </span>
  );
}

/** The control, and the banner of a historical view. `to(block)` is this page's URL at a block (null: now). */
export function AsOfBar({ to }: { to: (block: string | null) => string }) {
  const block = useContext(AsOfContext);
  const inputId = useId();
  const errorId = useId();
  const [text, setText] = useState(block ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const at = useQuery<BlockAtData>(BLOCK_AT, { number: block, timestamp: null }, { skip: block === null });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = parseAsOfInput(text);
    if (input.kind === "invalid") return setError(input.error);
    setError(null);
    if (input.kind === "now") return navigate(to(null));
    if (input.kind === "block") return navigate(to(input.number));
    setBusy(true);
    try {
      const d = await gql<BlockAtData>(BLOCK_AT, { number: null, timestamp: input.timestamp });
      setText(d.blockAt.number);
      navigate(to(d.blockAt.number));
    } catch (err) {
      setError(`No block for ${input.label}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={block === null ? "asof" : "asof historical"}>
      <form className="asof-form" onSubmit={submit} role="search" aria-label="As of a block">
        <label htmlFor={inputId}>As of</label>
        <input
          id={inputId}
          type="text"
          inputMode="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="now · block or 2040-03-03"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
        />
        <button type="submit" disabled={busy}>{busy ? "Finding…" : "Show"}</button>
      </form>
      {error ? <div id={errorId} className="asof-error" role="alert">{error}</div> : null}
      {block !== null ? (
        <div className="asof-banner" role="status" data-testid="asof-banner">
          <strong>Historical view.</strong> Every figure on this page is as of block{" "}
          <span className="mono">{formatInt(block)}</span>
          {at.data ? <> ({formatTime(at.data.blockAt.timestamp)})</> : null}, not now.
          {at.error ? <span className="asof-error" role="alert"> {at.error.message}</span> : null}{" "}
          <Link to={to(null)}>Back to now</Link>
        </div>
      ) : null}
    </div>
  );
}
