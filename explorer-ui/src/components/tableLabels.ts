/**
 * Phones show wide tables (WIDE columns or more shown on a phone, or any wider than its box there)
 * as one block per row with each value under its column's name (styles.css, max-width 700px): no
 * table scrolls sideways. This labels the cells from the header row, for every table a page draws:
 * td data-label, the table class "wide", and explicit ARIA table roles (a table restyled with
 * display: block can lose its semantics).
 */
import { useEffect, type RefObject } from "react";

export const WIDE = 4;
/** Where styles.css stacks .table.wide. */
const PHONE = "(max-width: 700px)";

/** A narrower table whose content is still wider than the box it sits in (long amounts on a phone). */
function tooWide(table: HTMLTableElement): boolean {
  const box = table.parentElement;
  if (!box || !window.matchMedia(PHONE).matches) return false;
  const st = getComputedStyle(box);
  return table.offsetWidth > box.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) + 1;
}

export function labelTables(root: ParentNode): void {
  for (const table of root.querySelectorAll<HTMLTableElement>("table.table")) {
    const cells = Array.from(table.tHead?.rows[0]?.cells ?? []);
    const heads = cells.map((c) => c.textContent?.trim() ?? "");
    if (!table.classList.contains("wide") && cells.filter((c) => !c.classList.contains("hide-sm")).length < WIDE && !tooWide(table)) continue;
    table.classList.add("wide");
    table.setAttribute("role", "table");
    for (const group of [table.tHead, ...Array.from(table.tBodies)]) group?.setAttribute("role", "rowgroup");
    for (const row of Array.from(table.rows)) {
      // A row labelled before keeps its cells (React reuses them): only new rows need work.
      if (row.getAttribute("role") === "row") continue;
      row.setAttribute("role", "row");
      Array.from(row.cells).forEach((cell, i) => {
        if (cell.tagName === "TH") cell.setAttribute("role", "columnheader");
        else {
          cell.setAttribute("role", "cell");
          if (heads[i]) cell.dataset.label = heads[i];
        }
      });
    }
  }
}

/** Keeps the tables under `ref` labelled as rows come and go and the width changes (once per frame at most). */
export function useTableLabels(ref: RefObject<HTMLElement | null>, key: string): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let frame = 0;
    const run = () => {
      frame = 0;
      labelTables(el);
    };
    run();
    const later = () => {
      if (!frame) frame = requestAnimationFrame(run);
    };
    const mo = new MutationObserver(later);
    mo.observe(el, { childList: true, subtree: true });
    // A window narrowed to a phone's width: tables that no longer fit stack too.
    const phone = window.matchMedia(PHONE);
    phone.addEventListener("change", later);
    return () => {
      mo.disconnect();
      phone.removeEventListener("change", later);
      cancelAnimationFrame(frame);
    };
  }, [ref, key]);
}
