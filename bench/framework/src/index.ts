/**
 * The framework floor for bench:index: the very events the indexer handles (indexer/*.ts), each
 * with a handler that does nothing, so Ponder syncs, decodes, orders and dispatches the same logs,
 * checkpoints and commits as for the real app, and nothing of ours runs. What this app takes is
 * Ponder's own cost; the real app's time above it is ours.
 */
import { ponder } from "ponder:registry";

import { INDEXED_EVENTS } from "../events.js";

const noop = async () => {};
for (const name of INDEXED_EVENTS) ponder.on(name, noop);
