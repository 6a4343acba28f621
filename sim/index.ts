/** The activity simulator, as a library: `simulate` for a scenario, `startLiveActivity` for `npm start`. */
export { simulate, SCALES, type Scale, type SimulateOptions, type Manifest, type ManifestViolation } from "./scenario.js";
export { startLiveActivity } from "./live.js";
export { inspectNode, devnetRefusal } from "./node.js";
export { SimulationError } from "./sender.js";
export { startDevChain, type DevChain } from "../chain/devchain.js";
export { readProtocolLogs, replay, eventDigest } from "./replay.js";
