import { useEffect, useState, type FormEvent } from "react";
import { navigate, useLocation } from "../router";
import { urls } from "../urls";

/** The search form: in the top bar on every page but the overview, and large on the overview. */
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
        placeholder="Address, id, name or hash"
        aria-label="Search"
        autoFocus={autoFocus}
        maxLength={200}
        spellCheck={false}
      />
      <button type="submit">Search</button>
    </form>
  );
}
