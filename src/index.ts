import "../indexer/DatanetRegistry.js";
import "../indexer/ModelRegistry.js";
import "../indexer/AttributionEngine.js";
