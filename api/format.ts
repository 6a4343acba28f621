/** Exact decimal formatting of OPEN amounts (18 decimals). No floating point anywhere. No I/O. */
export const OPEN_DECIMALS = 18;

/** 1500000000000000000n -> "1.5"; 1n -> "0.000000000000000001"; 0n -> "0". */
export function formatOpen(amount: bigint, decimals = OPEN_DECIMALS): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** The share `part / whole` in parts per million, rounded down; 0 when whole is 0. */
export function ppmOf(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * 1_000_000n) / whole);
}
