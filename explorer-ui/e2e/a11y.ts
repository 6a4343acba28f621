/**
 * Browser checks shared by the e2e tests: axe-core's WCAG 2.1 A/AA rules (plus target size, a 2.2
 * AA rule Lighthouse also scores) on the whole page, and horizontal overflow at phone widths.
 */
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";

export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** The rules whose outcome depends on the layout: what a second viewport width can change. */
export const LAYOUT_RULES = ["target-size", "scrollable-region-focusable", "meta-viewport"];

/**
 * Every axe violation on the page (or inside `include`), one readable line per rule and element;
 * `layoutOnly` runs just LAYOUT_RULES (the page was checked whole at another width).
 */
export async function axeViolations(page: Page, opts: { include?: string; layoutOnly?: boolean } = {}): Promise<string[]> {
  // Legacy mode runs axe in the page itself (the page has no iframes) instead of opening a page per check.
  let axe = new AxeBuilder({ page }).setLegacyMode(true);
  axe = opts.layoutOnly ? axe.withRules(LAYOUT_RULES) : axe.withTags(AXE_TAGS).options({ rules: { "target-size": { enabled: true } } });
  if (opts.include) axe = axe.include(opts.include);
  const r = await axe.analyze();
  return r.violations.flatMap((v) => v.nodes.slice(0, 5).map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1, 2).join(" ").trim() ?? v.help}`));
}

/**
 * What sticks out sideways: elements past the viewport's right edge (the page scrolls), and boxes
 * whose content is wider than they are (a table or a badge cut at a card's edge, to be scrolled).
 */
export async function overflowing(page: Page): Promise<{ scroll: number; culprits: string[] }> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const culprits: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      const ox = getComputedStyle(el).overflowX;
      if ((ox === "auto" || ox === "scroll") && el.scrollWidth > el.clientWidth + 1) culprits.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} scrolls ${el.scrollWidth - el.clientWidth} px sideways`);
    }
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 1) continue;
      // Inside a horizontally scrolling box (wide tables): that box scrolls, the page does not.
      let p = el.parentElement;
      let clipped = false;
      while (p && p !== document.body) {
        const o = getComputedStyle(p).overflowX;
        if (o === "auto" || o === "scroll" || o === "hidden") { clipped = true; break; }
        p = p.parentElement;
      }
      if (!clipped) culprits.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} right=${Math.round(r.right)}`);
    }
    return { scroll: document.documentElement.scrollWidth - window.innerWidth, culprits: culprits.slice(0, 8) };
  });
}
