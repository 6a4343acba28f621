/**
 * A cheap query's latency while expensive ones run: `clients` loops each send expensive
 * requests back to back for `seconds` while the paced driver sends the cheap query at `rate`; the
 * cheap query's latencies are the figure, and what became of the expensive requests (answered,
 * refused as busy, stopped at their deadline) is reported beside it.
 */
import { runHttpLoad, type LoadResult } from "./load.js";

export interface StormResult {
  cheap: LoadResult;
  expensive: { sent: number; answered: number; busy: number; timedOut: number; other: number; p50: number; max: number };
}

export async function runStorm(opts: { url: string; cheap: string; expensive: string[]; clients: number; seconds: number; rate: number }): Promise<StormResult> {
  const until = Date.now() + opts.seconds * 1000;
  const outcome = { sent: 0, answered: 0, busy: 0, timedOut: 0, other: 0 };
  const times: number[] = [];
  let next = 0;
  const client = async () => {
    while (Date.now() < until) {
      const body = opts.expensive[next++ % opts.expensive.length]!;
      const started = performance.now();
      outcome.sent++;
      try {
        const res = await fetch(opts.url, { method: "POST", headers: { "content-type": "application/json" }, body });
        const text = await res.text();
        times.push(performance.now() - started);
        if (res.status === 200 && !text.includes('"errors"')) outcome.answered++;
        else if (text.includes("SERVER_BUSY")) outcome.busy++;
        else if (text.includes("QUERY_TIMEOUT")) outcome.timedOut++;
        else outcome.other++;
      } catch {
        outcome.other++;
      }
    }
  };
  const [cheap] = await Promise.all([
    runHttpLoad({ url: opts.url, bodies: [opts.cheap], connections: 4, seconds: opts.seconds, rate: opts.rate }),
    ...Array.from({ length: opts.clients }, client),
  ]);
  times.sort((a, b) => a - b);
  return { cheap, expensive: { ...outcome, p50: times[Math.floor(times.length / 2)] ?? NaN, max: times.at(-1) ?? NaN } };
}
