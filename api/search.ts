/**
 * What a search text can mean, and how results rank. No I/O: the resolver runs the lookups each
 * interpretation calls for and sorts with `rank`.
 */
export type SearchIntent =
  | { kind: "address"; address: `0x${string}` }
  | { kind: "hash"; hash: `0x${string}` }
  | { kind: "hexPrefix"; prefix: string }
  | { kind: "id"; id: bigint }
  | { kind: "run"; modelId: bigint; version: number }
  | { kind: "text"; text: string };

/** Every plausible reading of the text, most specific first. */
export function classifySearch(input: string): SearchIntent[] {
  const text = input.trim();
  const lower = text.toLowerCase();
  const out: SearchIntent[] = [];
  if (/^0x[0-9a-f]{40}$/.test(lower)) out.push({ kind: "address", address: lower as `0x${string}` });
  else if (/^0x[0-9a-f]{64}$/.test(lower)) out.push({ kind: "hash", hash: lower as `0x${string}` });
  else if (/^0x[0-9a-f]{4,63}$/.test(lower)) out.push({ kind: "hexPrefix", prefix: lower });
  const id = /^#?([0-9]{1,78})$/.exec(text);
  if (id && BigInt(id[1]!) > 0n) out.push({ kind: "id", id: BigInt(id[1]!) });
  const run = /^([0-9]{1,78})\s*[:/]\s*v?([0-9]{1,9})$/i.exec(text);
  if (run && BigInt(run[1]!) > 0n && Number(run[2]) > 0) out.push({ kind: "run", modelId: BigInt(run[1]!), version: Number(run[2]) });
  if (!/^0x[0-9a-f]*$/.test(lower) || lower.length < 6) out.push({ kind: "text", text });
  return out;
}

/** How well `value` matches `query` (case-insensitive): 3 exact, 2 prefix, 1 substring, 0 none. */
export function matchQuality(value: string, query: string): 0 | 1 | 2 | 3 {
  const v = value.toLowerCase();
  const q = query.toLowerCase();
  if (v === q) return 3;
  if (v.startsWith(q)) return 2;
  return v.includes(q) ? 1 : 0;
}

const KIND_BONUS: Record<string, number> = { ACCOUNT: 0.5, INFERENCE: 0.4, MODEL: 0.3, DATANET: 0.3, TRAINING_RUN: 0.2, CONTRIBUTION: 0.1, CLAIM: 0 };

/** Score: match quality dominates, then the kind, then a small popularity term in [0, 0.1). */
export function score(quality: number, kind: string, popularity = 0): number {
  const pop = popularity > 0 ? Math.min(0.099, Math.log10(1 + popularity) / 100) : 0;
  return quality * 10 + (KIND_BONUS[kind] ?? 0) + pop;
}

/** Escapes LIKE wildcards so user text matches literally (with ESCAPE '\\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
