/** Earnings over time, drawn by us as SVG: daily accrued bars, cumulative accrued and claimed lines. */
import { useEffect, useMemo, useRef, useState } from "react";
import { formatAmount } from "../lib/amount";
import { buildDailySeries, ratio, type DayIn } from "../lib/series";
import { Loading } from "./States";

const H = 190;
/** Room for the axes: cumulative OPEN on the left, daily OPEN on the right, days below, axis titles above. */
const PAD = { l: 62, r: 56, t: 22, b: 22 };
const MAX_BAR = 28;
/** Daily bars use the lower part of the plot, under the cumulative lines. */
const BAR_SHARE = 0.45;

/** An axis tick: the amount in OPEN, exact digits, fewer decimals for bigger values. */
export function axisLabel(v: bigint): string {
  const whole = v / 10n ** 18n;
  return formatAmount(v, { symbol: "", fractionDigits: whole >= 100n ? 0 : whole >= 1n ? 2 : 4 }).text;
}

/** Width of an element in CSS pixels, kept current. */
function useWidth<T extends HTMLElement>(fallback = 720) {
  const ref = useRef<T>(null);
  const [w, setW] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setW(Math.max(200, Math.floor(el.getBoundingClientRect().width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w] as const;
}

/**
 * The chart; while `days` is undefined (loading) its legend and a box of its height, so nothing moves when they come.
 * `verb` names what the bars add up ("accrued" for an account, "earned" for a contribution); `claims` false leaves out
 * the claimed line (a contribution is paid to accounts, which claim).
 */
export function EarningsChart({ days, verb = "accrued", claims = true }: { days: DayIn[] | undefined; verb?: string; claims?: boolean }) {
  const series = useMemo(() => (days ? buildDailySeries(days) : []), [days]);
  const [hover, setHover] = useState<number | null>(null);
  const [ref, W] = useWidth<HTMLDivElement>();
  if (days && series.length === 0) return <div className="state empty">No earnings yet.</div>;
  const h = hover !== null ? series[hover] : undefined;
  const legend = (
    <div className="chart-legend">
      <span className="lg lg-bar">Daily {verb}</span>
      <span className="lg lg-acc">Cumulative {verb}</span>
      {claims ? <span className="lg lg-clm">Cumulative claimed</span> : null}
      {h ? (
        <span className="chart-hover num">
          {h.day}: +{formatAmount(h.accrued).text} · total {formatAmount(h.cumAccrued).text}{claims ? ` · claimed ${formatAmount(h.cumClaimed).text}` : ""}
        </span>
      ) : null}
    </div>
  );
  if (!days) {
    return (
      <div className="chart" ref={ref}>
        {legend}
        <div className="chart-wait"><Loading what="Loading earnings" /></div>
      </div>
    );
  }
  const maxCum = series.reduce((m, p) => (p.cumAccrued > m ? p.cumAccrued : m), 0n);
  const maxDay = series.reduce((m, p) => (p.accrued > m ? p.accrued : m), 0n);
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const step = iw / series.length;
  const x = (i: number) => PAD.l + step * (i + 0.5);
  const y = (v: bigint, max: bigint) => PAD.t + ih * (1 - ratio(v, max));
  const leftTicks = maxCum > 0n ? [0n, maxCum / 2n, maxCum] : [0n];
  const rightTicks = maxDay > 0n ? [0n, maxDay] : [0n];
  const barY = (v: bigint) => PAD.t + ih - ih * BAR_SHARE * ratio(v, maxDay);
  const line = (pick: (i: number) => bigint) => series.map((_, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(pick(i), maxCum).toFixed(1)}`).join("");
  const labelEvery = Math.max(1, Math.ceil(series.length / 6));
  return (
    <div className="chart" ref={ref}>
      {legend}
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} className="chart-svg" role="img" aria-label={`Earnings over time, ${series[0]!.day} to ${series[series.length - 1]!.day}: ${formatAmount(maxCum).full} ${verb} in all${claims ? `, ${formatAmount(series[series.length - 1]!.cumClaimed).full} claimed` : ""}`} onMouseLeave={() => setHover(null)}>
        <text x={0} y={10} className="axis-title">OPEN, total</text>
        <text x={W} y={10} className="axis-title" textAnchor="end">OPEN per day</text>
        {leftTicks.map((t) => (
          <g key={`l${t}`}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(t, maxCum)} y2={y(t, maxCum)} className={t === 0n ? "axis" : "grid"} />
            <text x={PAD.l - 6} y={y(t, maxCum) + 3.5} className="tick" textAnchor="end">{axisLabel(t)}</text>
          </g>
        ))}
        <line x1={PAD.l} x2={PAD.l} y1={PAD.t} y2={PAD.t + ih} className="axis" />
        <line x1={W - PAD.r} x2={W - PAD.r} y1={PAD.t + ih * (1 - BAR_SHARE)} y2={PAD.t + ih} className="axis" />
        {rightTicks.map((t) => (
          <text key={`r${t}`} x={W - PAD.r + 6} y={barY(t) + 3.5} className="tick">{axisLabel(t)}</text>
        ))}
        {series.map((p, i) => {
          const bh = PAD.t + ih - barY(p.accrued);
          return (
            <g key={p.day} onMouseEnter={() => setHover(i)}>
              <rect x={PAD.l + step * i} y={PAD.t} width={step} height={ih} className="hit" />
              <rect x={x(i) - Math.min(MAX_BAR, Math.max(1, step * 0.7)) / 2} y={PAD.t + ih - bh} width={Math.min(MAX_BAR, Math.max(1, step * 0.7))} height={bh} className={hover === i ? "bar on" : "bar"} />
              {i % labelEvery === 0 ? (
                <text x={x(i)} y={H - 6} className="tick" textAnchor="middle">
                  {p.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
        <path d={line((i) => series[i]!.cumAccrued)} className="line acc" />
        {claims ? <path d={line((i) => series[i]!.cumClaimed)} className="line clm" /> : null}
        {series.length <= 40
          ? series.map((p, i) => (
              <g key={`pt${p.day}`}>
                <circle cx={x(i)} cy={y(p.cumAccrued, maxCum)} r={3} className="dot acc" />
                {claims ? <circle cx={x(i)} cy={y(p.cumClaimed, maxCum)} r={3} className="dot clm" /> : null}
              </g>
            ))
          : null}
      </svg>
    </div>
  );
}
