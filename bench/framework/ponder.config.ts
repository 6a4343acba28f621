// The project's own configuration: same chain, contracts, start blocks and RPC settings.
export { default } from "../../ponder.config.js";
