/**
 * Route parameters a page checks before it asks the API anything (a malformed one shows "Invalid
 * …" instead, components/States.tsx BadParam). The same shapes the API accepts (api/input.ts).
 */

/** A decimal id of at most 78 digits (a uint256). */
export const isId = (s: string) => /^\d{1,78}$/.test(s);
/** 0x and 40 hex digits, any case. */
export const isAddress = (s: string) => /^0x[0-9a-fA-F]{40}$/.test(s);
/** 0x and 64 hex digits, any case (a transaction or output hash). */
export const isHash = (s: string) => /^0x[0-9a-fA-F]{64}$/.test(s);
