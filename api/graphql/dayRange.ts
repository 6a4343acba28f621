/**
 * The `from`/`to` arguments of a by-day breakdown (Account.earningsByDay, Contribution.earningsByDay):
 * decoded once, and the days in range, oldest first, the newest maxPageSize of them.
 */
import { dayOf, decodeDay } from "../input.js";
import { badInput, need } from "./context.js";
import { LIMITS } from "./limits.js";

export function daysInRange<T extends { day: string }>(days: T[], args: { from?: unknown; to?: unknown }): T[] {
  const from = need(decodeDay(args.from, "from"), "from");
  const to = need(decodeDay(args.to, "to"), "to");
  if (from !== undefined && to !== undefined && from > to) throw badInput("from must not be after to", "from");
  return days
    .filter((d) => (from === undefined || d.day >= dayOf(from)) && (to === undefined || d.day <= dayOf(to)))
    .sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : 0))
    .slice(-LIMITS.maxPageSize);
}
