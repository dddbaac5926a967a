// The model's translation failed its checks (wrong language, lost names or numbers) twice.
// The input was acceptable, yet no trustworthy output exists: 422 with the reasons.
import { AppError } from "../errors.js";

export class TranslationRejectedError extends AppError {
  readonly reasons: readonly string[];
  constructor(reasons: readonly string[]) {
    super(
      "translation_failed",
      `The translation failed its checks${reasons.length > 0 ? `: ${reasons.join("; ")}` : ""}`,
    );
    this.reasons = reasons;
  }
}
