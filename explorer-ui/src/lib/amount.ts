/**
 * Exact formatting of token amounts given in base units (bigint), no floating point anywhere.
 * "1234567800000000000000" with 18 decimals -> "1,234.5678 OPEN".
 */

export const OPEN_DECIMALS = 18;
export const OPEN_SYMBOL = "OPEN";

export interface FormattedAmount {
  /** Short form for display, e.g. "1,234.5678 OPEN" or "<0.0001 OPEN". */
  text: string;
  /** Every digit, e.g. "1,234.567800000000000001 OPEN" — for a title / tooltip. */
  full: string;
  /** The exact value in base units as a decimal string. */
  base: string;
}

export interface AmountOptions {
  decimals?: number;
  symbol?: string;
  /** Maximum fraction digits in the short form (truncated toward zero, trailing zeros dropped). */
  fractionDigits?: number;
}

/** Parses a base-unit decimal string (as the API sends BigInt) into a bigint; null when it is not one. */
export function parseBaseUnits(value: string | bigint | number | null | undefined): bigint | null {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : null;
  if (typeof value !== "string") return null;
  const s = value.trim();
  if (!/^-?\d{1,100}$/.test(s)) return null;
  return BigInt(s);
}

/** Groups the digits of a non-negative integer string in threes: "1234567" -> "1,234,567". */
export function groupThousands(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return out;
}

function splitUnits(abs: bigint, decimals: number): { int: string; frac: string } {
  const s = abs.toString().padStart(decimals + 1, "0");
  return { int: s.slice(0, s.length - decimals), frac: decimals > 0 ? s.slice(s.length - decimals) : "" };
}

export function formatAmount(value: bigint, opts: AmountOptions = {}): FormattedAmount {
  const decimals = opts.decimals ?? OPEN_DECIMALS;
  const symbol = opts.symbol ?? OPEN_SYMBOL;
  const digits = opts.fractionDigits ?? 4;
  const neg = value < 0n;
  const abs = neg ? -value : value;
  const { int, frac } = splitUnits(abs, decimals);
  const sign = neg ? "-" : "";
  const suffix = symbol ? ` ${symbol}` : "";

  const fullFrac = frac.replace(/0+$/, "");
  const full = `${sign}${groupThousands(int)}${fullFrac ? "." + fullFrac : ""}${suffix}`;

  const shortFrac = frac.slice(0, digits).replace(/0+$/, "");
  let text: string;
  if (abs !== 0n && int === "0" && shortFrac === "") {
    // Non-zero but below the smallest shown digit: say so instead of printing a false "0".
    const smallest = digits > 0 ? `0.${"0".repeat(digits - 1)}1` : "1";
    text = neg ? `>-${smallest}${suffix}` : `<${smallest}${suffix}`;
  } else {
    text = `${sign}${groupThousands(int)}${shortFrac ? "." + shortFrac : ""}${suffix}`;
  }
  return { text, full, base: value.toString() };
}

/** Formats an API BigInt string; invalid input yields a visible "invalid amount" instead of throwing. */
export function formatAmountString(value: string | null | undefined, opts: AmountOptions = {}): FormattedAmount {
  const v = parseBaseUnits(value);
  if (v === null) return { text: "invalid amount", full: `invalid amount: ${String(value)}`, base: String(value) };
  return formatAmount(v, opts);
}

/** Parts per million -> "12.3456 %" (exact, integer arithmetic, up to 4 fraction digits). */
export function formatPpm(ppm: number | null | undefined): string {
  if (typeof ppm !== "number" || !Number.isFinite(ppm)) return "–";
  const v = Math.round(ppm);
  const neg = v < 0;
  const a = Math.abs(v);
  const int = Math.floor(a / 10_000);
  const frac = String(a % 10_000).padStart(4, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac ? "." + frac : ""} %`;
}

/** Basis points -> "12.5 %". */
export function formatBps(bps: number | null | undefined): string {
  if (typeof bps !== "number" || !Number.isFinite(bps)) return "–";
  return formatPpm(bps * 100);
}
