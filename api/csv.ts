/**
 * RFC 4180 CSV encoding that is also safe to open in a spreadsheet. No I/O.
 *
 * - Fields containing `"`, `,`, `;`, CR, LF or tab are quoted, inner quotes doubled; records end in
 *   CRLF. (`;` because spreadsheets in locales whose list separator is `;` split there, and tab
 *   because some import as tab-separated.)
 * - Formula injection (OWASP "CSV injection"): a text cell beginning with `=`, `+`, `-`, `@`, tab or
 *   CR, or with one of them (or its full-width form ＝ ＋ － ＠) after leading whitespace, would be
 *   evaluated by Excel/LibreOffice/Sheets, which skip the whitespace and fold full-width signs.
 *   Such cells get a leading `'` and are quoted, so they display as the literal text. Values the API itself produces as numbers (amounts, block
 *   numbers, ids) are passed as `bigint`/`number` and never prefixed, so a negative number would
 *   still be a number (none of ours are negative).
 */
export type CsvValue = string | number | bigint | boolean | null | undefined;

const FORMULA_START = /^[\t\r]|^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;
const NEEDS_QUOTES = /[",;\r\n\t]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  let text = value;
  let quote = NEEDS_QUOTES.test(text);
  if (FORMULA_START.test(text)) {
    text = `'${text}`;
    quote = true;
  }
  return quote ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/**
 * Parses RFC 4180 text back into records (used by tests and the CLI to check what was written).
 * Returns an "invalid" result on an unterminated quote instead of throwing.
 */
export function parseCsv(text: string): { ok: true; records: string[][] } | { ok: false; error: string } {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += ch; i++; continue;
    }
    if (ch === '"' && !fieldStarted) { quoted = true; fieldStarted = true; i++; continue; }
    if (ch === ",") { record.push(field); field = ""; fieldStarted = false; i++; continue; }
    if (ch === "\r" && text[i + 1] === "\n") { record.push(field); records.push(record); record = []; field = ""; fieldStarted = false; i += 2; continue; }
    if (ch === "\n") { record.push(field); records.push(record); record = []; field = ""; fieldStarted = false; i++; continue; }
    field += ch; fieldStarted = true; i++;
  }
  if (quoted) return { ok: false, error: "unterminated quoted field" };
  if (fieldStarted || record.length > 0) { record.push(field); records.push(record); }
  return { ok: true, records };
}
