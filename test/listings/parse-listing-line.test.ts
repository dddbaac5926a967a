import { describe, expect, it } from "vitest";
import { parseListingLine } from "../../src/listings/parse-listing-line.js";

const valid = {
  external_id: "x-1",
  organization: "happy-paws",
  name: "Rex",
  description: "A calm beagle.",
};

function reasonFor(value: unknown): string {
  const result = parseListingLine(typeof value === "string" ? value : JSON.stringify(value));
  if (result.ok) throw new Error("expected a rejection");
  return result.reason;
}

describe("parseListingLine", () => {
  it("maps SPEC §4 fields to columns and keeps description plus unknown fields in properties", () => {
    const result = parseListingLine(
      JSON.stringify({
        ...valid,
        breed: "Beagle",
        age_text: "2 years",
        sex: "male",
        size: "medium",
        language: "de",
        adoption_url: "https://example.org/rex",
        status: "adopted",
        age_months: 24,
        color: ["Black", "White"],
        quantity: 1,
        good_with_cats: null,
        nested: { a: [1, 2] },
      }),
    );
    expect(result).toEqual({
      ok: true,
      listing: {
        externalId: "x-1",
        organization: "happy-paws",
        name: "Rex",
        breed: "Beagle",
        ageText: "2 years",
        sex: "male",
        size: "medium",
        language: "de",
        adoptionUrl: "https://example.org/rex",
        status: "adopted",
        properties: {
          description: "A calm beagle.",
          age_months: 24,
          color: ["Black", "White"],
          quantity: 1,
          good_with_cats: null,
          nested: { a: [1, 2] },
        },
      },
    });
  });

  it("keeps absent optional fields absent: null, never the text None", () => {
    const result = parseListingLine(
      JSON.stringify({
        ...valid,
        organization: null,
        name: null,
        breed: null,
        sex: "",
        size: "  ",
      }),
    );
    expect(result.ok && result.listing).toMatchObject({
      organization: undefined,
      name: "",
      breed: null,
      ageText: null,
      sex: null,
      size: null,
      language: null,
      adoptionUrl: null,
    });
  });

  it.each([
    ["{not json", /^invalid JSON/],
    ["[1, 2]", /^expected a JSON object, got array/],
    ["42", /^expected a JSON object, got number/],
    ["null", /^expected a JSON object, got null/],
  ])("rejects %s", (line, reason) => {
    expect(reasonFor(line)).toMatch(reason);
  });

  it.each([
    [{ ...valid, external_id: undefined }, "external_id: required"],
    [{ ...valid, external_id: 17 }, "external_id: expected a string, got number"],
    [{ ...valid, external_id: " " }, "external_id: must not be empty"],
    [{ ...valid, name: undefined }, "name: required (use null when the listing has no name)"],
    [{ ...valid, name: 3 }, "name: expected a string or null, got number"],
    [{ ...valid, description: undefined }, "description: required"],
    [{ ...valid, description: "" }, "description: must not be empty"],
    [{ ...valid, description: ["text"] }, "description: expected a string, got array"],
    [{ ...valid, breed: 12 }, "breed: expected a string or null, got number"],
    [{ ...valid, language: false }, "language: expected a string or null, got boolean"],
    [{ ...valid, organization: {} }, "organization: expected a string or null, got object"],
  ])("rejects a bad field with a reason naming it (%#)", (value, reason) => {
    expect(reasonFor(value)).toBe(reason);
  });

  it("names every bad field of one line", () => {
    const reason = reasonFor({ external_id: 1, name: "Rex" });
    expect(reason).toContain("external_id:");
    expect(reason).toContain("description: required");
  });
});
