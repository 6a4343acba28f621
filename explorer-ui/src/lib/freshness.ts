/**
 * What the explorer says about how fresh its figures are (the API's `freshness`): a quiet badge
 * while the indexer keeps up, a banner when it is more than a minute behind the chain, when the
 * chain's RPC is failing, or when the API cannot be reached. Pure: no I/O.
 */

export const FRESHNESS_QUERY = `{ freshness { block { number timestamp } head { number timestamp } lagBlocks lagSeconds lastError } }`;

/** Behind the chain by more than this, the figures are called out of date. */
export const STALE_AFTER_SECONDS = 60;

export interface FreshnessData {
  freshness: {
    block: { number: string; timestamp: string } | null;
    head: { number: string; timestamp: string } | null;
    lagBlocks: string | null;
    lagSeconds: number | null;
    lastError: string | null;
  };
}

export interface FreshnessView {
  level: "ok" | "behind" | "stale" | "unreachable" | "starting";
  /** The badge's text (always shown, quiet unless stale). */
  badge: string;
  /** The banner's text, or null for no banner. */
  banner: string | null;
}

export function formatLag(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

export function freshnessView(data: FreshnessData | undefined, error: Error | undefined): FreshnessView {
  const block = data?.freshness.block ?? null;
  const asOf = block ? ` The figures shown are as of block ${block.number}.` : "";
  if (error) return { level: "unreachable", badge: "offline", banner: `Cannot reach the API, so the figures may be out of date.${asOf}` };
  if (!data) return { level: "starting", badge: "…", banner: null };
  const f = data.freshness;
  if (!block) return { level: "starting", badge: "indexing…", banner: "The indexer has not indexed a block yet: figures will appear as it catches up." };
  if (f.lastError) return { level: "stale", badge: `block ${block.number}`, banner: `The chain cannot be read right now (${f.lastError}).${asOf}` };
  const lag = f.lagSeconds ?? 0;
  const blocks = f.lagBlocks ?? "0";
  if (lag > STALE_AFTER_SECONDS) {
    return {
      level: "stale",
      badge: `${formatLag(lag)} behind`,
      banner: `The figures are ${formatLag(lag)} behind the chain (block ${block.number}, the chain is at ${f.head?.number ?? "?"}): the indexer is stopped or catching up.`,
    };
  }
  if (blocks !== "0") return { level: "behind", badge: `block ${block.number} · ${blocks} behind`, banner: null };
  return { level: "ok", badge: `block ${block.number} · live`, banner: null };
}
