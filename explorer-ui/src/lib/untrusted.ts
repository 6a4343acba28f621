/**
 * Chain strings are untrusted user input: any length, any Unicode, markup, `javascript:` URIs.
 * This pure module turns them into something safe to show as *text*: invisible and direction-
 * changing characters become visible markers like ⟨U+202E⟩, very long strings are shortened (the
 * caller keeps the full value for a title and a copy button), and only http(s) URLs become links.
 * Rendering is always as React text (or canvas text); nothing here produces markup.
 */

export interface Segment {
  text: string;
  /** True when `text` is a visible marker standing for an invisible or control character. */
  marker: boolean;
}

// Bidi embeddings/overrides/isolates, zero-width chars, word joiner & invisible operators, BOM,
// all C0/C1 controls and other format chars (\p{Cf}: soft hyphen, Arabic letter mark, tags ...),
// line/paragraph separators, lone surrogates, private use, and fillers that render as nothing.
const INVISIBLE =
  /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\u2060-\u2064\u206A-\u206F\u2028\u2029\u115F\u1160\u3164\uFFA0\u2800\u034F\u180E]|\p{Cc}|\p{Cf}|\p{Cs}|\p{Co}/u;
const COMBINING = /\p{M}/u;
/** More combining marks than this on one base character are collapsed ("Zalgo" text). */
export const MAX_COMBINING = 4;

export function codePointLabel(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `⟨U+${cp.toString(16).toUpperCase().padStart(4, "0")}⟩`;
}

/** Splits a string into plain text runs and visible markers for invisible/control characters. */
export function visibleSegments(input: string): Segment[] {
  const out: Segment[] = [];
  let run = "";
  let combining = 0;
  let hidden = 0;
  const flushHidden = () => {
    if (hidden > 0) {
      if (run) out.push({ text: run, marker: false });
      run = "";
      out.push({ text: `⟨+${hidden} marks⟩`, marker: true });
      hidden = 0;
    }
  };
  // Iterate by code point; lone surrogates come through as single UTF-16 units.
  for (const ch of input) {
    if (INVISIBLE.test(ch)) {
      flushHidden();
      combining = 0;
      if (run) out.push({ text: run, marker: false });
      run = "";
      out.push({ text: codePointLabel(ch), marker: true });
      continue;
    }
    if (COMBINING.test(ch)) {
      combining++;
      if (combining > MAX_COMBINING) {
        hidden++;
        continue;
      }
    } else {
      flushHidden();
      combining = 0;
    }
    run += ch;
  }
  flushHidden();
  if (run) out.push({ text: run, marker: false });
  return out;
}

/** The visible form as one string (for titles, canvas labels, aria labels). */
export function visibleText(input: string): string {
  return visibleSegments(input).map((s) => s.text).join("");
}

/** True when the string contains anything that visibleText would mark. */
export function hasHiddenCharacters(input: string): boolean {
  return visibleSegments(input).some((s) => s.marker);
}

export type ShortenMode = "end" | "middle";

/**
 * Shortens to at most `max` code points (markers count as their visible length), with "…" at the
 * end or in the middle (for hashes and addresses). Never splits a surrogate pair or a marker.
 */
export function shortenSegments(segments: Segment[], max: number, mode: ShortenMode = "end"): { segments: Segment[]; shortened: boolean } {
  const units: Segment[] = [];
  for (const s of segments) {
    if (s.marker) units.push(s);
    else for (const ch of s.text) units.push({ text: ch, marker: false });
  }
  const lengthOf = (u: Segment) => (u.marker ? Math.min(u.text.length, 10) : 1);
  const total = units.reduce((n, u) => n + lengthOf(u), 0);
  if (total <= max || max < 2) return { segments, shortened: false };
  const budget = max - 1;
  const head: Segment[] = [];
  const tail: Segment[] = [];
  if (mode === "end") {
    let n = 0;
    for (const u of units) {
      if (n + lengthOf(u) > budget) break;
      head.push(u);
      n += lengthOf(u);
    }
  } else {
    const headBudget = Math.ceil(budget / 2);
    const tailBudget = budget - headBudget;
    let n = 0;
    for (const u of units) {
      if (n + lengthOf(u) > headBudget) break;
      head.push(u);
      n += lengthOf(u);
    }
    n = 0;
    for (let i = units.length - 1; i >= head.length; i--) {
      const u = units[i]!;
      if (n + lengthOf(u) > tailBudget) break;
      tail.unshift(u);
      n += lengthOf(u);
    }
  }
  return { segments: mergeRuns([...head, { text: "…", marker: false }, ...tail]), shortened: true };
}

function mergeRuns(units: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const u of units) {
    const last = out[out.length - 1];
    if (last && !last.marker && !u.marker) last.text += u.text;
    else out.push({ ...u });
  }
  return out;
}

/** Convenience: visible + shortened, as one string. */
export function displayText(input: string, max = 64, mode: ShortenMode = "end"): string {
  return shortenSegments(visibleSegments(input), max, mode).segments.map((s) => s.text).join("");
}

export interface SafeLink {
  href: string;
  /** Host to show as the link text (IDNs in punycode, so look-alike hosts stay distinguishable). */
  host: string;
}

/**
 * Returns a link only for an absolute http(s) URL with a host. `javascript:`, `data:`, `ipfs:`,
 * relative paths and anything with whitespace or invisible characters stay plain text.
 */
export function safeHttpLink(input: string | null | undefined): SafeLink | null {
  if (typeof input !== "string") return null;
  if (input.length > 4096) return null;
  if (/\s/.test(input) || hasHiddenCharacters(input)) return null;
  if (!/^https?:\/\//i.test(input)) return null;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname) return null;
  return { href: url.href, host: url.host };
}

/** The shape of an Ethereum address or a 32-byte hash: shown in the middle-shortened form. */
export function isHexId(input: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(input) || /^0x[0-9a-fA-F]{64}$/.test(input);
}
