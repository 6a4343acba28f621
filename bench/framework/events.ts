/** The events the indexer handles (indexer/*.ts), checked by events.test.ts. */
export const INDEXED_EVENTS = [
  "DatanetRegistry:DatanetCreated",
  "DatanetRegistry:ContributorAllowlistUpdated",
  "DatanetRegistry:ContributionSubmitted",
  "DatanetRegistry:ContributionReviewed",
  "DatanetRegistry:ContributionRevoked",
  "ModelRegistry:ModelRegistered",
  "ModelRegistry:ModelTrained",
  "AttributionEngine:AttestorUpdated",
  "AttributionEngine:FeeParamsUpdated",
  "AttributionEngine:InferenceAttributed",
  "AttributionEngine:RewardAccrued",
  "AttributionEngine:RewardClaimed",
] as const;
