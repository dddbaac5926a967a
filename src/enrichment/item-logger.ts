// A logger for one work item: every line it writes names the animal, the processing type and
// the target language, whoever logs it (the guarded completion, the pipeline).
import type { Logger } from "../logger.js";

type Level = "warn" | "error" | "debug";

export interface ItemLogFields {
  readonly animalId: number;
  readonly processingType: string;
  /** null for a type that does not fan out over languages. */
  readonly targetLanguage: string | null;
}

export function itemLogger<L extends Level>(
  logger: Pick<Logger, L>,
  levels: readonly L[],
  fields: ItemLogFields,
): Pick<Logger, L> {
  const wrapped: Partial<Record<L, AnyLogFn>> = {};
  for (const level of levels) {
    const log: AnyLogFn = (...args) => {
      Reflect.apply(logger[level], logger, args);
    };
    wrapped[level] = (first: unknown, ...rest: unknown[]) => {
      if (typeof first === "object" && first !== null && !(first instanceof Error)) {
        log({ ...fields, ...first }, ...rest);
      } else if (first instanceof Error) {
        log({ ...fields, err: first }, ...rest);
      } else {
        log(fields, first, ...rest);
      }
    };
  }
  return wrapped as Pick<Logger, L>;
}

type AnyLogFn = (...args: unknown[]) => void;
