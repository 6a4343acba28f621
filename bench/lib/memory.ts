/**
 * Peak resident memory of a process tree: samples the RSS of every process in the child's process
 * group (ponder runs detached as its own group; worker threads share the main process's RSS) and
 * reads the kernel's high-water mark (VmHWM) of each member. Linux /proc only.
 */
import { readdirSync, readFileSync } from "node:fs";

function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) === pgid) out.push(Number(name));
    } catch {}
  }
  return out;
}

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export interface MemorySampler {
  /** Highest summed RSS seen (MiB) and the highest VmHWM of any member (MiB). */
  stop(): { peakRssMiB: number; peakHwmMiB: number };
}

export function sampleGroupMemory(pgid: number, everyMs = 250): MemorySampler {
  let peakRss = 0;
  const hwm = new Map<number, number>();
  const tick = () => {
    let rss = 0;
    for (const pid of groupMembers(pgid)) {
      rss += statusKb(pid, "VmRSS");
      hwm.set(pid, Math.max(hwm.get(pid) ?? 0, statusKb(pid, "VmHWM")));
    }
    peakRss = Math.max(peakRss, rss);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      tick();
      clearInterval(timer);
      return { peakRssMiB: Math.round(peakRss / 1024), peakHwmMiB: Math.round(Math.max(0, ...hwm.values()) / 1024) };
    },
  };
}
