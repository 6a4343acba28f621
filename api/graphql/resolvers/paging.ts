/**
 * Keyset paging for the resolvers, in one place (one cursor shape per order, one error text):
 * - newest first over one key (ids, event ids, positions): `idPage` / `textKeyPage` give the
 *   condition "below the cursor", the row count to fetch and the page of what was fetched;
 * - totals computed in one read (an account's models, datanets, contributions; a datanet's payees):
 *   `keysetPage`, ordered by amount descending, then by id or address ascending; the cursor is that
 *   pair. The rows are few per parent (what one account earned from), so they are sorted here.
 */
import { lt } from "ponder";
import type { SQL } from "drizzle-orm";
import { badCursorText, cursorBigint } from "../../input.js";
import { badInput, pageArgs, toPage, type Page, type PageArgs } from "../context.js";

export const BAD_CURSOR = badCursorText("after");

/** A page, newest first, keyed by one column whose cursor decodes to a K. */
export interface NewestFirst<K> {
  limit: number;
  /** Rows to fetch: one more than the page, which says whether there is a next page. */
  fetch: number;
  /** The key the cursor stands for (rows below it come next); undefined on the first page. */
  before: K | undefined;
  /** `column < before`, or undefined on the first page (drizzle's and() skips it). */
  below(column: Parameters<typeof lt>[0]): SQL | undefined;
  /** The page of rows fetched with `fetch`, `key` giving a row's key, totalCount from `count`. */
  page<T>(rows: T[], key: (row: T) => K, count: () => Promise<number>): Page<T>;
}

function newestFirst<K extends bigint | string>(args: PageArgs, decode: (part: string | undefined) => K | null): NewestFirst<K> {
  const { limit, after } = pageArgs(args, 1);
  let before: K | undefined;
  if (after) {
    const k = decode(after[0]);
    if (k === null) throw badInput(BAD_CURSOR, "after");
    before = k;
  }
  return {
    limit,
    fetch: limit + 1,
    before,
    below: (column) => (before === undefined ? undefined : lt(column, before)),
    page: (rows, key, count) => toPage(rows, limit, after, (r) => [key(r)], count),
  };
}

/** Newest first over a bigint id (inferences, contributions, attributions by inference). */
export const idPage = (args: PageArgs): NewestFirst<bigint> => newestFirst(args, cursorBigint);

/** Newest first over a text key (event ids, "block:log" positions). */
export const textKeyPage = (args: PageArgs): NewestFirst<string> => newestFirst(args, (part) => part ?? null);

type Key = [bigint, bigint | string];

const compare = (a: Key, b: Key) => (a[0] > b[0] ? -1 : a[0] < b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** The page of `rows` after the cursor, `key` giving (amount, id) of a row; totalCount is all rows. */
export function keysetPage<T>(rows: T[], args: PageArgs, key: (row: T) => Key) {
  const { limit, after } = pageArgs(args, 2);
  let from: Key | undefined;
  if (after) {
    const [amount, id] = after;
    if (!/^[0-9]{1,78}$/.test(amount ?? "") || !(/^[0-9]{1,78}$/.test(id ?? "") || /^0x[0-9a-f]{40}$/.test(id ?? ""))) throw badInput(BAD_CURSOR, "after");
    from = [BigInt(amount!), /^0x/.test(id!) ? id! : BigInt(id!)];
  }
  const sorted = rows.map((row) => ({ row, k: key(row) })).sort((a, b) => compare(a.k, b.k));
  const rest = from ? sorted.filter((r) => compare(r.k, from!) > 0) : sorted;
  return toPage(rest.slice(0, limit + 1).map((r) => r.row), limit, after, (r) => key(r), async () => rows.length);
}
