/** Reward roles and contribution statuses, by their on-chain codes (PROTOCOL.md). */
export const Role = { Treasury: 0, ModelOwner: 1, DatanetOwner: 2, Contributor: 3 } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLE_NAMES = ["TREASURY", "MODEL_OWNER", "DATANET_OWNER", "CONTRIBUTOR"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export const Status = { Pending: 0, Accepted: 1, Rejected: 2, Revoked: 3 } as const;
export type Status = (typeof Status)[keyof typeof Status];
export const STATUS_NAMES = ["PENDING", "ACCEPTED", "REJECTED", "REVOKED"] as const;
export type StatusName = (typeof STATUS_NAMES)[number];

export const Method = { InfluenceFunction: 1, SuffixArray: 2 } as const;
export const METHOD_NAMES: Record<number, string> = { 1: "INFLUENCE_FUNCTION", 2: "SUFFIX_ARRAY" };

export const PPM = 1_000_000;
export const BPS = 10_000;
export const MAX_ATTRIBUTIONS = 256;
