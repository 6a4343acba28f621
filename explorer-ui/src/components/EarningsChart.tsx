/** Earnings over time, drawn by us as SVG: daily accrued bars, cumulative accrued and claimed lines. */
import { useEffect, useMemo, useRef, useState } from "react";
import { formatAmount } from "../lib/amount";
import { buildDailySeries, ratio, type DayIn } from "../lib/series";

const H = 180;
const PAD = { l: 8, r: 8, t: 12, b: 22 };
const MAX_BAR = 28;

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

export function EarningsChart({ days }: { days: DayIn[] }) {
  const series = useMemo(() => buildDailySeries(days), [days]);
  const [hover, setHover] = useState<number | null>(null);
  const [ref, W] = useWidth<HTMLDivElement>();
  if (series.length === 0) return <div className="state empty">No earnings yet.</div>;
  const maxCum = series.reduce((m, p) => (p.cumAccrued > m ? p.cumAccrued : m), 0n);
  const maxDay = series.reduce((m, p) => (p.accrued > m ? p.accrued : m), 0n);
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const step = iw / series.length;
  const x = (i: number) => PAD.l + step * (i + 0.5);
  const y = (v: bigint, max: bigint) => PAD.t + ih * (1 - ratio(v, max));
  const line = (pick: (i: number) => bigint) => series.map((_, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(pick(i), maxCum).toFixed(1)}`).join("");
  const h = hover !== null ? series[hover] : undefined;
  const labelEvery = Math.max(1, Math.ceil(series.length / 6));
  return (
    <div className="chart" ref={ref}>
      <div className="chart-legend">
        <span className="lg lg-bar">Daily accrued</span>
        <span className="lg lg-acc">Cumulative accrued ({formatAmount(maxCum).text})</span>
        <span className="lg lg-clm">Cumulative claimed</span>
        {h ? (
          <span className="chart-hover num">
            {h.day}: +{formatAmount(h.accrued).text} · total {formatAmount(h.cumAccrued).text} · claimed {formatAmount(h.cumClaimed).text}
          </span>
        ) : null}
      </div>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} className="chart-svg" role="img" aria-label="Earnings over time" onMouseLeave={() => setHover(null)}>
        <line x1={PAD.l} x2={W - PAD.r} y1={PAD.t + ih} y2={PAD.t + ih} className="axis" />
        {series.map((p, i) => {
          const bh = ih * 0.45 * ratio(p.accrued, maxDay);
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
        <path d={line((i) => series[i]!.cumClaimed)} className="line clm" />
        {series.length <= 40
          ? series.map((p, i) => (
              <g key={`pt${p.day}`}>
                <circle cx={x(i)} cy={y(p.cumAccrued, maxCum)} r={3} className="dot acc" />
                <circle cx={x(i)} cy={y(p.cumClaimed, maxCum)} r={3} className="dot clm" />
              </g>
            ))
          : null}
      </svg>
    </div>
  );
}
