/**
 * Names, URIs and reasons the simulated users type in, including the hostile and odd ones the
 * explorer must show as plain text. No I/O.
 */
import type { Rng } from "../core/rng.js";

const TOPICS = [
  "Solidity audits", "Medical Q&A", "Legal contracts", "DeFi trades", "Weather stations", "Rust snippets",
  "Swahili speech", "Chess games", "Protein folds", "Satellite images", "Customer support", "Cooking recipes",
  "Math proofs", "Street signs", "Bird songs", "Tax rulings", "Poetry", "Game telemetry", "Crop diseases", "Code reviews",
];
const ADJ = ["Open", "Curated", "Community", "Verified", "Raw", "Synthetic", "Annotated", "Global"];
const BASES = ["llama-3-8b", "mistral-7b", "qwen2-1.5b", "phi-3-mini", "gemma-2-9b"];
const REASONS = ["looks good", "duplicate of existing sample", "low quality", "off-topic", "PII found", "", "✅ verified", "license unclear"];

/** The untrusted strings every deployment should contain, in this order for the first datanets. */
export function hostileDatanets(): { name: string; metadataURI: string }[] {
  return [
    { name: "<img src=x onerror=alert(1)>", metadataURI: "javascript:alert(1)" },
    { name: "Invoice \u202Egpj.exe\u202C data", metadataURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi" },
    { name: "Zero\u200Bwidth\u200Dname\uFEFF", metadataURI: "https://example.org/datanets/zero-width" },
    { name: "🚀 Emoji corpus 🧠📚 — naïve café", metadataURI: "https://example.org/datanets/emoji?x=1&y=<b>" },
    { name: "L" + "ong name ".repeat(222), metadataURI: "data:text/html,<script>alert(1)</script>" },
  ];
}

export function datanetName(rng: Rng, i: number): string {
  return `${rng.pick(ADJ)} ${rng.pick(TOPICS)} #${i}`;
}

export function datanetURI(rng: Rng, i: number): string {
  return rng.chance(0.5) ? `ipfs://bafy${rng.bytes32().slice(2, 40)}` : `https://datanets.example.org/${i}/meta.json`;
}

export function contributionURI(rng: Rng, hash: string): string {
  const r = rng.float();
  if (r < 0.6) return `ipfs://${hash.slice(2, 48)}`;
  if (r < 0.95) return `https://cdn.example.org/samples/${hash.slice(2, 18)}.jsonl`;
  return rng.pick(["javascript:alert(document.cookie)", "<script>alert(1)</script>", "ar://\u202Etxt.exe", ""]);
}

export function modelNames(rng: Rng, i: number, adapter: boolean): { name: string; baseModel: string; metadataURI: string } {
  const base = rng.pick(BASES);
  const topic = rng.pick(TOPICS).toLowerCase().replace(/[^a-z]+/g, "-");
  return {
    name: adapter ? `${topic}-lora-${i}` : `${base}-${topic}-${i}`,
    baseModel: base,
    metadataURI: i % 7 === 3 ? "javascript:alert('model')" : `https://models.example.org/${i}/card.md`,
  };
}

export function reviewReason(rng: Rng): string {
  return rng.pick(REASONS);
}
