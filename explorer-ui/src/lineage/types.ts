/** The lineage graph as the API sends it (modelLineage), and as the client re-folds it. */

export type NodeKind = "CONTRIBUTOR" | "CONTRIBUTION" | "DATANET" | "TRAINING_RUN" | "MODEL" | "INFERENCE" | "FOLDED";

export interface LineageNode {
  id: string;
  kind: NodeKind | string;
  label: string;
  entityId: string;
  weightPpm: number;
  /** OPEN base units, decimal string. */
  amount: string;
  foldedCount: number;
  /** TRAINING_RUN: the indexer's check of the claimed contribution set (null/absent for other kinds). */
  verified?: boolean | null;
  /** INFERENCE: the audit verdict (null/absent for other kinds). */
  clean?: boolean | null;
}

export interface LineageEdge {
  from: string;
  to: string;
  kind: string;
  weightPpm: number;
  amount: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export const KIND_ORDER: Record<string, number> = {
  CONTRIBUTOR: 0,
  CONTRIBUTION: 1,
  DATANET: 2,
  TRAINING_RUN: 3,
  MODEL: 4,
  INFERENCE: 5,
  FOLDED: 6,
};
