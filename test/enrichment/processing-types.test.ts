// Each processing type is one definition; these check that it agrees with what other layers
// name for it (its variable in the config, its prompt's version).
import { describe, expect, it } from "vitest";
import { loadConfig, PROCESSING_TYPES } from "../../src/config.js";
import { PROCESSING_TYPE_DEFINITIONS } from "../../src/enrichment/processing-types/processing-types.js";

describe("processing type definitions", () => {
  it("has one definition per processing type, under its own name", () => {
    expect(Object.keys(PROCESSING_TYPE_DEFINITIONS).sort()).toEqual([...PROCESSING_TYPES].sort());
    for (const [name, definition] of Object.entries(PROCESSING_TYPE_DEFINITIONS)) {
      expect(definition.name).toBe(name);
    }
  });

  it.each(PROCESSING_TYPES)("%s: its feature variable switches exactly it off", (type) => {
    const definition = PROCESSING_TYPE_DEFINITIONS[type];
    const config = loadConfig({ [definition.featureVariable]: "false" });
    for (const other of PROCESSING_TYPES) expect(config.features[other]).toBe(other !== type);
  });

  it("keeps the prompt versions results and cache entries were stored under", () => {
    // Changing one redoes every stored result of that type: only with a changed prompt.
    expect(
      Object.fromEntries(
        PROCESSING_TYPES.map((t) => [t, PROCESSING_TYPE_DEFINITIONS[t].promptVersion]),
      ),
    ).toEqual({
      description_cleaning: "description_cleaning@3",
      dog_profiler: "dog_profiler@4",
      translation: "translation@4",
    });
  });

  it("fans out over target languages only where the type writes one result per language", () => {
    for (const definition of Object.values(PROCESSING_TYPE_DEFINITIONS)) {
      expect(definition.fansOutOverLanguages).toBe(definition.resultColumn === "translations");
    }
  });
});
