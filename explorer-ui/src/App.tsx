import { useEffect, useState, type FormEvent } from "react";
import { Link, navigate, useLocation } from "./router";
import { resolve } from "./routes";
import { urls } from "./urls";

export function SearchBox({ autoFocus = false, big = false }: { autoFocus?: boolean; big?: boolean }) {
  const { pathname, search } = useLocation();
  const current = pathname === "/search" ? search.get("q") ?? "" : "";
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (t) navigate(urls.search(t));
  };
  return (
    <form className={big ? "search big" : "search"} role="search" onSubmit={submit}>
      <input
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Address, id, name, output hash or tx hash"
        aria-label="Search"
        autoFocus={autoFocus}
        maxLength={200}
        spellCheck={false}
      />
      <button type="submit">Search</button>
    </form>
  );
}

export function App() {
  const { pathname, search } = useLocation();
  const { element, title, key } = resolve(pathname, search);
  useEffect(() => {
    document.title = `${title} · OpenLedger Attribution Explorer`;
  }, [title]);
  const nav = (to: string, label: string) => (
    <Link to={to} className={pathname === to || (to !== "/" && pathname.startsWith(to)) ? "active" : undefined}>
      {label}
    </Link>
  );
  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-inner">
          <Link to={urls.home()} className="brand">
            <span className="logo" aria-hidden="true">◆</span> Attribution Explorer
          </Link>
          <nav className="nav">
            {nav(urls.home(), "Overview")}
            {nav(urls.audit(), "Audit")}
          </nav>
          {pathname !== "/" ? <SearchBox /> : null}
        </div>
      </header>
      <main className="main" key={key}>
        {element}
      </main>
      <footer className="footer">
        Chain data is shown as inert text: hidden characters appear as ⟨U+…⟩ markers. Amounts are exact; hover for every digit.
      </footer>
    </div>
  );
}
