import { useEffect, useRef, useState, type MouseEvent } from "react";
import { setExactAmounts, useExactAmounts } from "./components/exactAmounts";
import { useTableLabels } from "./components/tableLabels";
import { FreshnessBadge, FreshnessBanner, useFreshness } from "./components/Freshness";
import { SearchBox } from "./components/SearchBox";
import { Link, useLocation } from "./router";
import { resolve } from "./routes";
import { urls } from "./urls";

/** Waits (up to ~2 s) for the new page's heading and moves focus to it; the main region if none comes. */
function focusHeading(main: HTMLElement | null): () => void {
  let frame = 0;
  let tries = 0;
  const tick = () => {
    const h = main?.querySelector<HTMLElement>("h1");
    if (h || ++tries > 120) {
      const target = h ?? main;
      if (target && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target?.focus({ preventScroll: true });
      return;
    }
    frame = requestAnimationFrame(tick);
  };
  frame = requestAnimationFrame(tick);
  return () => cancelAnimationFrame(frame);
}

function ExactToggle() {
  const exact = useExactAmounts();
  return (
    <button type="button" className="toggle" aria-pressed={exact} onClick={() => setExactAmounts(!exact)} title="Show every digit of every amount">
      Exact amounts
    </button>
  );
}

export function App() {
  const { pathname, search } = useLocation();
  const { element, title, key } = resolve(pathname, search);
  const mainRef = useRef<HTMLElement>(null);
  const firstPage = useRef(true);
  const [announced, setAnnounced] = useState("");
  const freshness = useFreshness();
  useTableLabels(mainRef, key);
  useEffect(() => {
    document.title = `${title} · OpenLedger Attribution Explorer`;
  }, [title]);
  // A route change (not the first page) moves focus to the new page's heading and says where we are.
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    setAnnounced(`${title} page`);
    return focusHeading(mainRef.current);
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const skip = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    mainRef.current?.focus();
  };
  const nav = (to: string, label: string) => (
    <Link to={to} className={pathname === to || (to !== "/" && pathname.startsWith(to)) ? "active" : undefined}>
      {label}
    </Link>
  );
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skip}>Skip to content</a>
      <div className="sr-only" role="status" aria-live="polite" data-testid="route-announce">{announced}</div>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to={urls.home()} className="brand">
            <span className="logo" aria-hidden="true">◆</span> Attribution Explorer
          </Link>
          <nav className="nav" aria-label="Main">
            {nav(urls.home(), "Overview")}
            {nav(urls.audit(), "Audit")}
          </nav>
          <FreshnessBadge view={freshness} />
          <ExactToggle />
          {pathname !== "/" ? <SearchBox /> : null}
        </div>
      </header>
      <FreshnessBanner view={freshness} />
      <main className="main" id="main" tabIndex={-1} ref={mainRef} key={key}>
        {element}
      </main>
      <footer className="footer">
        Chain data is shown as inert text: hidden characters appear as ⟨U+…⟩ markers. Amounts are exact: hover one, or switch on “Exact amounts” at the top, for every digit.
      </footer>
    </div>
  );
}
