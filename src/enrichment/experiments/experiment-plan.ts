// Checks what `experiments create` (or any edge) asks for before anything is stored: arm
// names, the split, each variant's temperature against the type's range.
import type { ProcessingType } from "../../config.js";
import { ValidationError } from "../../errors.js";
import { processingTypeDefinition } from "../processing-types/processing-types.js";
import { CONTROL_ARM } from "./experiment-types.js";
import type { VariantFile } from "./variant-file.js";

export const ARM_NAME = /^[a-z][a-z0-9-]{0,11}$/;

export interface ArmRequest {
  readonly name: string;
  /** null: the control, which runs the type's default prompt. */
  readonly variant: VariantFile | null;
  readonly sourceFile: string | null;
}

export interface ExperimentRequest {
  readonly name: string;
  readonly processingType: ProcessingType;
  readonly organizationId: number | null;
  readonly arms: readonly ArmRequest[];
  /** Weights per arm in order; empty = equal. */
  readonly split: readonly number[];
}

export interface PlannedArm extends ArmRequest {
  readonly weight: number;
}

export function planExperiment(request: ExperimentRequest): PlannedArm[] {
  const name = request.name.trim();
  if (name === "" || name.length > 100) {
    throw new ValidationError("--name must have 1 to 100 characters", "name");
  }
  const { arms } = request;
  if (arms.length < 2) {
    throw new ValidationError("an experiment needs at least two arms (--variant)", "variant");
  }
  const seen = new Set<string>();
  for (const arm of arms) {
    if (!ARM_NAME.test(arm.name)) {
      throw new ValidationError(
        `arm name "${arm.name}" must be 1–12 lower-case letters, digits or dashes, starting with a letter`,
        "variant",
      );
    }
    if (seen.has(arm.name))
      throw new ValidationError(`arm "${arm.name}" is named twice`, "variant");
    seen.add(arm.name);
    if ((arm.name === CONTROL_ARM) !== (arm.variant === null)) {
      throw new ValidationError(
        arm.name === CONTROL_ARM
          ? `the control arm runs the default prompt and takes no file`
          : `arm "${arm.name}" needs a prompt file (--variant ${arm.name}:prompts/…)`,
        "variant",
      );
    }
  }
  if (!seen.has(CONTROL_ARM)) {
    throw new ValidationError("one arm must be the control (--variant control)", "variant");
  }
  const split = request.split.length === 0 ? arms.map(() => 1) : request.split;
  if (split.length !== arms.length) {
    throw new ValidationError(
      `--split has ${split.length} weights for ${arms.length} arms`,
      "split",
    );
  }
  if (split.some((w) => !Number.isInteger(w) || w <= 0 || w > 10_000)) {
    throw new ValidationError("--split takes positive whole numbers, e.g. 50,50", "split");
  }
  const range = processingTypeDefinition(request.processingType).temperatureRange;
  for (const arm of arms) {
    const t = arm.variant?.temperature;
    if (t !== undefined && t !== null && (t < range.min || t > range.max)) {
      throw new ValidationError(
        `arm "${arm.name}": temperature ${t} is outside ${range.min}–${range.max} for ${request.processingType}`,
        "variant",
      );
    }
  }
  return arms.map((arm, i) => ({ ...arm, weight: split[i]! }));
}

/** The prompt version of an experiment's arm, and of an arm promoted to the default. */
export function armPromptVersion(type: ProcessingType, experimentId: number, arm: string): string {
  return `${type}@e${experimentId}.${arm}`;
}

export function promotedPromptVersion(
  type: ProcessingType,
  experimentId: number,
  arm: string,
): string {
  return `${type}@p${experimentId}.${arm}`;
}
