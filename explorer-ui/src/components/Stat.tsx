import type { ReactNode } from "react";
import { AsOfTag } from "./AsOf";

/** One figure in a .stats grid: a label above its value (marked when the page is as of a past block). */
export function Stat({ label, value, className, testId }: { label: string; value: ReactNode; className?: string; testId?: string }) {
  return (
    <div className={className ? `stat ${className}` : "stat"}>
      <div className="stat-label">{label}<AsOfTag /></div>
      <div className="stat-value" data-testid={testId}>{value}</div>
    </div>
  );
}
