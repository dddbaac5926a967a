// Types of eslint.config.js for the test that checks its folder rules (test/lint/).
import type { Linter } from "eslint";

declare const config: Linter.Config[];
export default config;
export declare const CORE_FORBIDDEN: Linter.RuleEntry[1];
export declare const DB_FORBIDDEN: Linter.RuleEntry[1];
