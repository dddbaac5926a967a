// REVIEW_MODE, labelled API keys and the organization's review_mode override.
import { describe, expect, it } from "vitest";
import { apiKeyFingerprint, describeConfig, loadConfig } from "../../src/config.js";
import { parseOrganizationOverrides } from "../../src/enrichment/organization-overrides.js";

describe("review configuration", () => {
  it("REVIEW_MODE is off unless set, and names itself when wrong", () => {
    expect(loadConfig({}).reviewMode).toBe("off");
    expect(loadConfig({ REVIEW_MODE: "required" }).reviewMode).toBe("required");
    expect(() => loadConfig({ REVIEW_MODE: "maybe" })).toThrow(
      /REVIEW_MODE: must be one of off, required/,
    );
  });

  it("API_KEYS entries may carry a label; a bare key is named by its fingerprint", () => {
    const config = loadConfig({ API_KEYS: "alice:first-secret-value,second-secret-value" });
    expect(config.apiKeys).toEqual(["first-secret-value", "second-secret-value"]);
    expect(config.apiKeyLabels).toEqual(["alice", apiKeyFingerprint("second-secret-value")]);
    expect(config.apiKeyLabels[1]).toMatch(/^key-[0-9a-f]{8}$/);
    const view = JSON.stringify(describeConfig(config));
    expect(view).toContain("alice");
    expect(view).not.toContain("first-secret-value");
    expect(view).not.toContain("second-secret-value");
    expect(() => loadConfig({ API_KEYS: "bob:one-secret,bob:two-secret" })).toThrow(
      /API_KEYS: two entries share a label/,
    );
  });

  it("an organization may set its own review_mode; a wrong value is refused", () => {
    expect(parseOrganizationOverrides({ review_mode: "required" })).toEqual({
      review_mode: "required",
    });
    expect(() => parseOrganizationOverrides({ review_mode: "sometimes" })).toThrow(
      /review_mode: must be one of off, required/,
    );
  });
});
