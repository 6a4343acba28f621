/**
 * True once the element has come within `margin` of the viewport, and from then on. A heavy part of a
 * page (the downstream lineage graph: its chunk, its query and its layout) waits for it, so a page whose
 * graph is below the fold paints and answers input first. Without IntersectionObserver, true at once.
 */
import { useEffect, useState, type RefObject } from "react";

export function useNearViewport(ref: RefObject<Element | null>, margin = "300px"): boolean {
  const [near, setNear] = useState(() => typeof IntersectionObserver === "undefined");
  useEffect(() => {
    const el = ref.current;
    if (near || !el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setNear(true);
        io.disconnect();
      }
    }, { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [ref, margin, near]);
  return near;
}
