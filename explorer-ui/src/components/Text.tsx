/** Rendering of untrusted chain strings: always React text, invisible chars made visible, long values shortened. */
import { useState } from "react";
import { Link } from "../router";
import { safeHttpLink, shortenSegments, visibleSegments, visibleText, type ShortenMode } from "../lib/untrusted";
import { urls } from "../urls";

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(value).then(
      () => {
        setDone(true);
        setTimeout(() => setDone(false), 1200);
      },
      () => setDone(false),
    );
  };
  return (
    <button type="button" className="copy" onClick={copy} title={`${label} full value`} aria-label={`${label} full value`}>
      {done ? (
        "✓"
      ) : (
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" className="copy-icon">
          <rect x="5" y="5" width="9" height="9" rx="1.5" />
          <path d="M11 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h.5" />
        </svg>
      )}
    </button>
  );
}

interface UntrustedProps {
  value: string | null | undefined;
  max?: number;
  mode?: ShortenMode;
  /** Show a copy button when shortened (or always with "always"). */
  copy?: boolean | "always";
  className?: string;
}

/** Any chain string: name, URI, reason, label. */
export function Untrusted({ value, max = 48, mode = "end", copy = true, className }: UntrustedProps) {
  if (value === null || value === undefined) return <span className="muted">–</span>;
  if (value === "") return <span className="muted">(empty)</span>;
  const segs = visibleSegments(value);
  const { segments, shortened } = shortenSegments(segs, max, mode);
  const full = visibleText(value);
  return (
    <span className={`untrusted${className ? " " + className : ""}`} title={shortened || full !== value ? full : undefined}>
      <span className="ut-text" dir="ltr">
        {segments.map((s, i) => (s.marker ? <span key={i} className="ctl">{s.text}</span> : <span key={i}>{s.text}</span>))}
      </span>
      {copy === "always" || (copy && shortened) ? <CopyButton value={value} /> : null}
    </span>
  );
}

/** A URI: a link (showing the host) only for http(s), plain inert text otherwise. */
export function UriText({ value, max = 56 }: { value: string | null | undefined; max?: number }) {
  const link = safeHttpLink(value);
  if (!link) return <Untrusted value={value} max={max} />;
  return (
    <span className="untrusted" title={visibleText(value ?? "")}>
      <a href={link.href} target="_blank" rel="noopener noreferrer nofollow ugc" referrerPolicy="no-referrer">
        {link.host} ↗
      </a>
      <CopyButton value={link.href} />
    </span>
  );
}

/** A hash (tx, output, root): middle-shortened monospace with copy. */
export function Hash({ value, to, max = 18 }: { value: string | null | undefined; to?: string; max?: number }) {
  if (!value) return <span className="muted">–</span>;
  const shown = shortenSegments(visibleSegments(value), max, "middle").segments.map((s) => s.text).join("");
  return (
    <span className="hash mono" title={visibleText(value)}>
      {to ? <Link to={to}>{shown}</Link> : <span>{shown}</span>}
      <CopyButton value={value} />
    </span>
  );
}

export function TxLink({ hash }: { hash: string | null | undefined }) {
  return <Hash value={hash} to={hash ? urls.tx(hash) : undefined} />;
}

/** An address linking to its account page. */
export function Addr({ address, full = false }: { address: string | null | undefined; full?: boolean }) {
  if (!address) return <span className="muted">–</span>;
  const shown = full ? visibleText(address) : shortenSegments(visibleSegments(address), 15, "middle").segments.map((s) => s.text).join("");
  return (
    <span className="hash mono addr" title={visibleText(address)}>
      <Link to={urls.account(address)}>{shown}</Link>
      <CopyButton value={address} />
    </span>
  );
}

/** A linked entity label: "#12 · name". */
export function EntityLink({ to, id, name, max = 32 }: { to: string; id: string; name?: string | null; max?: number }) {
  return (
    <span className="entity">
      <Link to={to} className="mono">#{visibleText(id)}</Link>
      {name !== undefined ? (
        <>
          {" "}
          <Untrusted value={name} max={max} copy={false} />
        </>
      ) : null}
    </span>
  );
}
