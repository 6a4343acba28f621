/**
 * Folder-level import cycles from a file-level import graph (madge's obj(): file → imported files).
 * `npm run cycles` prints file- and folder-level cycles and fails on any; scripts/cycles.test.ts
 * runs the same in `npm test`.
 */

/** A file's folder node: its top-level folder (a root file is its own), ":test" for test code. */
export function folderOf(file: string): string {
  const top = file.includes("/") ? file.slice(0, file.indexOf("/")) : file;
  const testCode = /\.test\.tsx?$/.test(file) || /(^|\/)e2e\//.test(file);
  return testCode ? `${top}:test` : top;
}

/** The folder nodes that reach each other through imports (strongly connected, two or more), each sorted. */
export function folderCycles(graph: Record<string, readonly string[]>): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const [file, deps] of Object.entries(graph)) {
    const from = folderOf(file);
    if (!edges.has(from)) edges.set(from, new Set());
    for (const dep of deps) {
      const to = folderOf(dep);
      if (to !== from) edges.get(from)!.add(to);
    }
  }
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}
