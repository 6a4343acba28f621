/**
 * The explorer's mock server (explorer-ui/e2e/mock-server.ts: the built UI with the production
 * security headers, /graphql over the API's published schema with the e2e fixtures) for the UI
 * benchmark, except that model 3's lineage is a canned graph of exactly `nodes` nodes
 * (generateLineage), changed between phases with setNodes().
 */
import { generateLineage, rootValue } from "../../explorer-ui/e2e/fixtures.js";
import { startMockServer } from "../../explorer-ui/e2e/mock-server.js";

export const MOCK_MODEL_ID = "3";

export interface UiMock {
  url: string;
  setNodes(n: number): void;
  close(): Promise<void>;
}

export async function startUiMock(distDir: string): Promise<UiMock> {
  let lineage = generateLineage(MOCK_MODEL_ID, 500, "Canned lineage");
  const root = { ...rootValue, modelLineage: (a: { modelId: string }) => (a.modelId === MOCK_MODEL_ID ? lineage : rootValue.modelLineage(a)) };
  const mock = await startMockServer({ distDir, rootValue: root });
  return {
    url: mock.url,
    setNodes: (n) => void (lineage = generateLineage(MOCK_MODEL_ID, n, `Canned lineage (${n} nodes)`)),
    close: mock.close,
  };
}
