/** Earnings-by-day series for the chart: fills missing days, cumulates, scales — bigint exact. Pure. */

export interface DayIn {
  day: string;
  accrued: string;
  claimed: string;
}
export interface DayPoint {
  day: string;
  accrued: bigint;
  claimed: bigint;
  cumAccrued: bigint;
  cumClaimed: bigint;
}

const DAY_MS = 86_400_000;
const toBig = (s: string) => {
  try {
    return /^-?\d+$/.test(s.trim()) ? BigInt(s.trim()) : 0n;
  } catch {
    return 0n;
  }
};

/** Days sorted, gaps filled with zeros (at most `maxDays` points, keeping the latest). */
export function buildDailySeries(days: readonly DayIn[], maxDays = 366): DayPoint[] {
  const valid = days.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.day) && !Number.isNaN(Date.parse(d.day + "T00:00:00Z")));
  if (valid.length === 0) return [];
  const map = new Map<string, { a: bigint; c: bigint }>();
  for (const d of valid) {
    const cur = map.get(d.day) ?? { a: 0n, c: 0n };
    map.set(d.day, { a: cur.a + toBig(d.accrued), c: cur.c + toBig(d.claimed) });
  }
  const keys = [...map.keys()].sort();
  const first = Date.parse(keys[0]! + "T00:00:00Z");
  const last = Date.parse(keys[keys.length - 1]! + "T00:00:00Z");
  const out: DayPoint[] = [];
  let ca = 0n;
  let cc = 0n;
  for (let t = first; t <= last; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const v = map.get(day) ?? { a: 0n, c: 0n };
    ca += v.a;
    cc += v.c;
    out.push({ day, accrued: v.a, claimed: v.c, cumAccrued: ca, cumClaimed: cc });
  }
  return out.length > maxDays ? out.slice(out.length - maxDays) : out;
}

/** v / max as a float in [0, 1] without losing precision on huge bigints. */
export function ratio(v: bigint, max: bigint): number {
  if (max <= 0n || v <= 0n) return 0;
  if (v >= max) return 1;
  return Number((v * 1_000_000n) / max) / 1_000_000;
}
