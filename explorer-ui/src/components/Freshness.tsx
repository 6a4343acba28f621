import { useQuery } from "../api/useQuery";
import { FRESHNESS_QUERY, freshnessView, type FreshnessData } from "../lib/freshness";

const POLL_MS = 15_000;

/** The freshness badge (top bar) and, when the figures are out of date, a banner under it. */
export function useFreshness() {
  const { data, error } = useQuery<FreshnessData>(FRESHNESS_QUERY, {}, { pollMs: POLL_MS });
  return freshnessView(data, error);
}

export function FreshnessBadge({ view }: { view: ReturnType<typeof freshnessView> }) {
  const tone = view.level === "ok" || view.level === "behind" || view.level === "starting" ? "neutral" : view.level === "stale" ? "warn" : "bad";
  return (
    <span className={`badge ${tone} freshness`} data-testid="freshness-badge" title="How fresh the figures are">
      {view.badge}
    </span>
  );
}

export function FreshnessBanner({ view }: { view: ReturnType<typeof freshnessView> }) {
  if (!view.banner) return null;
  return (
    <div className={`stale-banner ${view.level}`} role="alert" data-testid="freshness-banner">
      {view.banner}
    </div>
  );
}
