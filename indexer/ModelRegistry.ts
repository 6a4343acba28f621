/** ModelRegistry events: models (adapters with their parent) and training runs, verified on the spot. */
import { ponder } from "ponder:registry";
import { datanet, datanetAcceptedSet, model, trainingRun, trainingRunDatanet } from "ponder:schema";
import { verifyTraining } from "../core/audit.js";
import { latestRuns } from "../core/lineage.js";
import { sortedUnique } from "../core/merkle.js";
import { lower, origin, updateNetwork, type Db } from "./state.js";

ponder.on("ModelRegistry:ModelRegistered", async ({ event, context }) => {
  const { modelId, owner, parentModelId, name, baseModel, metadataURI } = event.args;
  const parent = parentModelId === 0n ? null : await context.db.find(model, { id: parentModelId });
  const inserted = await context.db
    .insert(model)
    .values({
      id: modelId,
      owner: lower(owner),
      parentModelId: parentModelId === 0n ? null : parentModelId,
      depth: parent === null ? 0 : parent.depth + 1,
      name,
      baseModel,
      metadataURI,
      trainedDatanetIds: [],
      latestRunVersions: [],
      ...origin(event),
      blockHash: event.block.hash,
    })
    .onConflictDoNothing(); // a second ModelRegistered for one id: the first one stands
  await updateNetwork(context.db, event.block);
});

ponder.on("ModelRegistry:ModelTrained", async ({ event, context }) => {
  const { modelId, version, datanetIds, contributionsRoot, contributionCount, artifactHash } = event.args;
  const db = context.db;
  const named = sortedUnique(datanetIds);
  const unknownDatanetIds: bigint[] = [];
  for (const id of named) if ((await db.find(datanet, { id })) === null) unknownDatanetIds.push(id);

  const acceptedIds = await acceptedSet(db, named);
  const check = verifyTraining({ claimedRoot: contributionsRoot, claimedCount: contributionCount, acceptedIds });
  const owner = await db.find(model, { id: modelId });

  const inserted = await db
    .insert(trainingRun)
    .values({
      modelId,
      version,
      datanetIds: named,
      claimedRoot: contributionsRoot,
      claimedCount: contributionCount,
      recomputedRoot: check.recomputedRoot,
      recomputedCount: check.recomputedCount,
      verified: check.verified,
      artifactHash,
      modelKnown: owner !== null,
      unknownDatanetIds,
      ...origin(event),
      blockHash: event.block.hash,
      at: event.id,
    })
    .onConflictDoNothing();
  if (inserted !== null) {
    if (named.length > 0) {
      await db.insert(trainingRunDatanet).values(named.map((datanetId) => ({ modelId, version, datanetId }))).onConflictDoNothing();
    }
    // The run each datanet now draws on: this one, for the datanets it names.
    if (owner !== null) await db.update(model, { id: modelId }).set(latestRuns(owner, named, version));
  }
  await updateNetwork(db, event.block);
});

/**
 * The contributions Accepted and not revoked in the given datanets right now (in event order):
 * the union of their datanetAcceptedSet rows, read by primary key from Ponder's cache.
 */
async function acceptedSet(db: Db, datanetIds: readonly bigint[]): Promise<bigint[]> {
  const out: bigint[] = [];
  for (const datanetId of datanetIds) {
    const row = await db.find(datanetAcceptedSet, { datanetId });
    if (row !== null) out.push(...row.contributionIds);
  }
  return out;
}
