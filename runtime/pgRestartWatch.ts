/**
 * Ponder 0.16 opens every PostgreSQL connection with `synchronous_commit = off`: a commit returns
 * before its WAL reaches the disk, so when PostgreSQL crashes (killed, out of memory, the machine
 * lost) the last fraction of a second of indexed blocks is gone from the database, while the
 * running indexer remembers them as done and never indexes them again. Its durable state is still
 * consistent (each block's rows and the checkpoint commit together): an indexer restarted after
 * the crash resumes from the durable checkpoint and indexes the lost blocks again.
 *
 * This watch tells when the server restarted (pg_postmaster_start_time changes, or the server was
 * unreachable and answers again), so a supervisor can restart the indexer.
 */
import pg from "pg";

export interface PostgresRestartWatch {
  stop(): void;
}

async function startTime(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  // A server stopped mid-query also emits "error" on the client: the rejected query already says so.
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ t: string }>("SELECT pg_postmaster_start_time()::text AS t");
    return rows[0]?.t ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Calls `onRestart` once per server restart seen (checked every `intervalMs`), after the server answers again. */
export function watchPostgresRestarts(url: string, onRestart: () => void | Promise<void>, intervalMs = 1000): PostgresRestartWatch {
  let known: string | null = null;
  let lost = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    const t = await startTime(url);
    if (stopped) return;
    if (t === null) {
      lost = known !== null;
    } else {
      if (known !== null && (t !== known || lost)) await Promise.resolve(onRestart()).catch(() => {});
      known = t;
      lost = false;
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  void tick();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
