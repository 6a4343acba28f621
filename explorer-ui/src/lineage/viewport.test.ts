import { describe, expect, test } from "vitest";
import { fitBounds, fittedHeight, initialView, MAX_SCALE, pan, screenToWorld, visibleWorld, worldToScreen, zoomAt } from "./viewport";

describe("viewport", () => {
  test("fit puts the whole graph on screen, centred", () => {
    const v = fitBounds({ minX: 0, minY: -500, maxX: 1000, maxY: 500 }, 800, 600, 0);
    expect(v.scale).toBeCloseTo(0.6);
    const tl = worldToScreen(v, 0, -500);
    const br = worldToScreen(v, 1000, 500);
    expect(tl.y).toBeCloseTo(0);
    expect(br.y).toBeCloseTo(600);
    expect((tl.x + br.x) / 2).toBeCloseTo(400);
  });

  test("fit never zooms a tiny graph in past the cap", () => {
    expect(fitBounds({ minX: 0, minY: 0, maxX: 10, maxY: 10 }, 800, 600).scale).toBe(1.25);
  });

  test("zooming keeps the point under the cursor fixed", () => {
    const v = { scale: 1, tx: 10, ty: 20 };
    const before = screenToWorld(v, 300, 200);
    const z = zoomAt(v, 300, 200, 2.5);
    const after = screenToWorld(z, 300, 200);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
    expect(z.scale).toBe(2.5);
    expect(zoomAt(v, 0, 0, 1e9).scale).toBe(MAX_SCALE);
  });

  test("pan moves by screen pixels and the visible rect follows", () => {
    const v = pan({ scale: 2, tx: 0, ty: 0 }, 100, 50);
    expect(visibleWorld(v, 200, 100)).toEqual({ minX: -50, minY: -25, maxX: 50, maxY: 25 });
  });
});

describe("initialView", () => {
  test("a small graph is shown whole", () => {
    const b = { minX: 0, minY: -100, maxX: 800, maxY: 100 };
    expect(initialView(b, { x: 700, y: 0 }, 1000, 600)).toEqual(fitBounds(b, 1000, 600));
  });
  test("a very tall graph shows all columns, legibly, centred on the model", () => {
    const b = { minX: 0, minY: -40_000, maxX: 1000, maxY: 40_000 };
    const v = initialView(b, { x: 900, y: 12 }, 1250, 560);
    expect(v.scale).toBe(1);
    expect(worldToScreen(v, 0, 12).y).toBeCloseTo(280);
    expect(worldToScreen(v, 0, 0).x).toBeGreaterThanOrEqual(0);
    expect(worldToScreen(v, 1000, 0).x).toBeLessThanOrEqual(1250);
  });
  test("on a narrow screen the model stays in view", () => {
    const b = { minX: 0, minY: -40_000, maxX: 1400, maxY: 40_000 };
    const v = initialView(b, { x: 1300, y: 0 }, 340, 420);
    const p = worldToScreen(v, 1300, 0);
    expect(p.x).toBeGreaterThan(0);
    expect(p.x).toBeLessThan(340);
  });
});

test.each([
  // a wide, short graph on a 390 px phone: its fitted height, not a tall empty box
  [{ minX: 0, minY: -200, maxX: 1558, maxY: 200 }, 366, 220, 460, 220],
  [{ minX: 0, minY: -500, maxX: 1558, maxY: 500 }, 366, 220, 460, 244],
  // a tall graph is held to the maximum
  [{ minX: 0, minY: -3000, maxX: 1558, maxY: 3000 }, 366, 220, 460, 460],
  // a single node gets the minimum
  [{ minX: 0, minY: -12, maxX: 168, maxY: 12 }, 366, 220, 460, 220],
])("fittedHeight(%o, %d px wide, %d–%d) = %d", (b, width, min, max, want) => {
  expect(fittedHeight(b, width, min, max)).toBe(want);
});
