/**
 * Names third parties see in the published schema. No I/O.
 *
 * Convention: every type, input and enum name is PascalCase. Ponder generates one object type per
 * table named like the table (`inference`), with `inferencePage` and `inferenceFilter` beside it;
 * ours are PascalCase (`Inference`). Client generators fold names to PascalCase (graphql-codegen's
 * default naming convention), so both would become one identifier. Ponder's table types are
 * therefore published as `<Table>Row`, `<Table>RowPage` and `<Table>RowFilter` (`InferenceRow`,
 * `InferenceRowPage`, `InferenceRowFilter`); our types keep their names (CHANGELOG.md lists the
 * renames).
 */

/** `inference` → `Inference`, `trainingRunDatanet` → `TrainingRunDatanet`, `reward_claim` → `RewardClaim`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/** What a client generator maps a name to, for comparing: case and separators dropped. */
export function foldedName(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "").toLowerCase();
}

/**
 * The published name of each of Ponder's type names that must change: its table types (an object
 * type `t` with a `tPage` beside it) and their Page/Filter types become `<Pascal t>Row...`; any other
 * Ponder type named like one of ours (and not shared on purpose) becomes `<name>Row`.
 */
export function ponderTypeRenames(ponderTypes: readonly string[], ourTypes: ReadonlySet<string>, shared: ReadonlySet<string>): Map<string, string> {
  const names = new Set(ponderTypes);
  const renames = new Map<string, string>();
  for (const name of ponderTypes) {
    if (name.startsWith("__") || shared.has(name)) continue;
    if (names.has(`${name}Page`)) {
      const base = `${pascalCase(name)}Row`;
      renames.set(name, base);
      renames.set(`${name}Page`, `${base}Page`);
      if (names.has(`${name}Filter`)) renames.set(`${name}Filter`, `${base}Filter`);
    }
  }
  for (const name of ponderTypes) {
    if (name.startsWith("__") || shared.has(name) || renames.has(name)) continue;
    if (ourTypes.has(name)) renames.set(name, `${name}Row`);
  }
  return renames;
}

/**
 * Identifiers a client generator derives from a schema: every named type, and `<Type><Field>Args`
 * for each field with arguments (graphql-codegen's typescript plugin). Groups of names that fold to
 * the same identifier are returned; none means every mainstream generator accepts the schema at its defaults.
 */
export function collidingNames(types: readonly { name: string; fieldsWithArgs?: readonly string[] }[]): string[][] {
  const byFolded = new Map<string, string[]>();
  const add = (name: string) => {
    const key = foldedName(name);
    byFolded.set(key, [...(byFolded.get(key) ?? []), name]);
  };
  for (const t of types) {
    if (t.name.startsWith("__")) continue;
    add(t.name);
    for (const f of t.fieldsWithArgs ?? []) add(`${t.name}${pascalCase(f)}Args`);
  }
  return [...byFolded.values()].filter((g) => g.length > 1).map((g) => g.sort());
}
