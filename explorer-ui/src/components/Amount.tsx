import { formatAmountString, formatBps, formatPpm } from "../lib/amount";
import { useExactAmounts } from "./exactAmounts";

/** An OPEN amount from base units, exact; the full precision and base units on hover, every digit with "Exact amounts" on. */
export function Amount({ value, className }: { value: string | null | undefined; className?: string }) {
  const f = formatAmountString(value);
  const exact = useExactAmounts();
  return (
    <span className={`amount num${exact ? " exact" : ""}${className ? " " + className : ""}`} title={`${f.full} (${f.base} base units)`} data-base={f.base}>
      {exact ? f.full : f.text}
    </span>
  );
}

export function Ppm({ value }: { value: number | null | undefined }) {
  return <span className="num">{formatPpm(value)}</span>;
}

export function Bps({ value }: { value: number | null | undefined }) {
  return <span className="num">{formatBps(value)}</span>;
}

/** A thin horizontal bar for a share (0..1) — CSSOM style (allowed by CSP), no inline style attribute. */
export function ShareBar({ fraction }: { fraction: number }) {
  const pct = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)) * 100;
  return (
    <span className="sharebar" aria-hidden="true">
      <span className="sharebar-fill" style={{ width: `${pct}%` }} />
    </span>
  );
}
