/**
 * "Exact amounts": one switch that shows every digit of every amount instead of the short form
 * (what the hover title shows a mouse user), so keyboard and touch users reach full precision
 * too. Remembered in localStorage.
 */
import { useSyncExternalStore } from "react";

const KEY = "explorer:exact-amounts";
const listeners = new Set<() => void>();
let exact = (() => {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false;
  }
})();

export function setExactAmounts(on: boolean): void {
  exact = on;
  try {
    localStorage.setItem(KEY, on ? "1" : "0");
  } catch {
    /* private mode: the switch still works for this page */
  }
  for (const l of listeners) l();
}

export function useExactAmounts(): boolean {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => exact,
    () => false,
  );
}
