/** Earnings over time, drawn by us as SVG: daily accrued bars, cumulative accrued and claimed lines. */
import { useMemo, useState } from "react";
import { formatAmount } from "../lib/amount";
import { buildDailySeries, ratio, type DayIn } from "../lib/series";

const W = 720;
const H = 200;
const PAD = { l: 8, r: 8, t: 12, b: 22 };

export function EarningsChart({ days }: { days: DayIn[] }) {
  const series = useMemo(() => buildDailySeries(days), [days]);
  const [hover, setHover] = useState<number | null>(null);
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
    <div className="chart">
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
      <svg viewBox={`0 0 ${W} ${H}`} className="chart-svg" role="img" aria-label="Earnings over time" onMouseLeave={() => setHover(null)}>
        <line x1={PAD.l} x2={W - PAD.r} y1={PAD.t + ih} y2={PAD.t + ih} className="axis" />
        {series.map((p, i) => {
          const bh = ih * 0.45 * ratio(p.accrued, maxDay);
          return (
            <g key={p.day} onMouseEnter={() => setHover(i)}>
              <rect x={PAD.l + step * i} y={PAD.t} width={step} height={ih} className="hit" />
              <rect x={x(i) - Math.max(1, step * 0.35)} y={PAD.t + ih - bh} width={Math.max(1, step * 0.7)} height={bh} className={hover === i ? "bar on" : "bar"} />
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
      </svg>
    </div>
  );
}
