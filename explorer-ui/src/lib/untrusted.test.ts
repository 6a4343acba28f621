import { describe, expect, test } from "vitest";
import { displayText, hasHiddenCharacters, isHexId, safeHttpLink, shortenSegments, visibleSegments, visibleText } from "./untrusted";

describe("visibleText makes invisible and direction-changing characters visible", () => {
  test.each([
    ["plain text stays as is", "Medical notes v2", "Medical notes v2"],
    ["markup stays literal text", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"],
    ["right-to-left override", "evil\u202Etxt.exe", "evil⟨U+202E⟩txt.exe"],
    ["every bidi embedding and override", "\u202A\u202B\u202C\u202D\u202E", "⟨U+202A⟩⟨U+202B⟩⟨U+202C⟩⟨U+202D⟩⟨U+202E⟩"],
    ["bidi isolates", "a\u2066b\u2067c\u2068d\u2069", "a⟨U+2066⟩b⟨U+2067⟩c⟨U+2068⟩d⟨U+2069⟩"],
    ["zero-width space, joiners, marks", "a\u200Bb\u200Cc\u200Dd\u200Ee\u200Ff", "a⟨U+200B⟩b⟨U+200C⟩c⟨U+200D⟩d⟨U+200E⟩e⟨U+200F⟩f"],
    ["byte order mark and word joiner", "\uFEFFx\u2060y", "⟨U+FEFF⟩x⟨U+2060⟩y"],
    ["control characters", "a\u0000b\nc\u007Fd\u0085", "a⟨U+0000⟩b⟨U+000A⟩c⟨U+007F⟩d⟨U+0085⟩"],
    ["soft hyphen and tag characters", "a\u00ADb\u{E0041}", "a⟨U+00AD⟩b⟨U+E0041⟩"],
    ["Hangul filler", "x\u3164y", "x⟨U+3164⟩y"],
    ["lone surrogate", "a\uD800b", "a⟨U+D800⟩b"],
    ["emoji and non-Latin scripts are kept", "模型 🤖 نموذج", "模型 🤖 نموذج"],
    ["accents within limits are kept", "e\u0301", "e\u0301"],
  ])("%s", (_name, input, expected) => {
    expect(visibleText(input)).toBe(expected);
  });

  test("stacks of combining marks are collapsed with a count", () => {
    const zalgo = "Z" + "\u0336".repeat(50) + "a";
    expect(visibleText(zalgo)).toBe("Z" + "\u0336".repeat(4) + "⟨+46 marks⟩a");
  });

  test("markers are flagged so they can be styled", () => {
    expect(visibleSegments("a\u202Eb")).toEqual([
      { text: "a", marker: false },
      { text: "⟨U+202E⟩", marker: true },
      { text: "b", marker: false },
    ]);
    expect(hasHiddenCharacters("abc")).toBe(false);
    expect(hasHiddenCharacters("a\u200Bc")).toBe(true);
  });
});

describe("shortening keeps the ends readable", () => {
  test.each([
    ["short strings are untouched", "hello", 10, "end", "hello"],
    ["long names end with an ellipsis", "abcdefghijklmnopqrstuvwxyz", 10, "end", "abcdefghi…"],
    ["hashes are cut in the middle", "0x" + "ab".repeat(32), 13, "middle", "0xabab…ababab"],
    ["surrogate pairs are never split", "🤖🤖🤖🤖🤖🤖", 4, "end", "🤖🤖🤖…"],
  ] as const)("%s", (_name, input, max, mode, expected) => {
    expect(displayText(input, max, mode)).toBe(expected);
  });

  test("reports whether it shortened", () => {
    expect(shortenSegments(visibleSegments("x".repeat(100)), 20).shortened).toBe(true);
    expect(shortenSegments(visibleSegments("x".repeat(20)), 20).shortened).toBe(false);
  });

  test("a 100k-character name is shortened without losing the markers before the cut", () => {
    const s = "\u202E" + "a".repeat(100_000);
    const out = displayText(s, 20);
    expect(out.startsWith("⟨U+202E⟩")).toBe(true);
    expect(out.endsWith("…")).toBe(true);
  });
});

describe("safeHttpLink links only http(s) URLs", () => {
  test.each([
    ["https URL", "https://example.org/data.json", "example.org"],
    ["http URL with port", "http://example.org:8080/x", "example.org:8080"],
    ["upper-case scheme", "HTTPS://Example.org/", "example.org"],
    ["IDN host shown in punycode", "https://exаmple.org/", "xn--exmple-4nf.org"],
  ])("%s", (_name, input, host) => {
    expect(safeHttpLink(input)?.host).toBe(host);
  });

  test.each([
    ["javascript:", "javascript:alert(1)"],
    ["javascript: with spaces", " javascript:alert(1)"],
    ["mixed-case javascript:", "JaVaScRiPt:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["ipfs:", "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"],
    ["relative path", "/etc/passwd"],
    ["protocol-relative", "//evil.example/x"],
    ["hidden bidi character", "https://example.org/\u202Egnp.exe"],
    ["no host", "https://"],
    ["empty", ""],
    ["vbscript:", "vbscript:msgbox(1)"],
  ])("%s stays text", (_name, input) => {
    expect(safeHttpLink(input)).toBeNull();
  });
});

test("recognises addresses and hashes", () => {
  expect(isHexId("0x" + "a".repeat(40))).toBe(true);
  expect(isHexId("0x" + "a".repeat(64))).toBe(true);
  expect(isHexId("0x" + "a".repeat(41))).toBe(false);
});
