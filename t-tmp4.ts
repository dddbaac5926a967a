import { readFileSync } from "node:fs";
import { cleanSourceText } from "./src/enrichment/input/clean-source-text.js";
import { detectAll } from "tinyld";
const rows = readFileSync("../shared/data/listings.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
for (const r of rows) { const t = cleanSourceText(r.description); const letters = t.match(/\p{L}/gu)?.length ?? 0; if (letters < 30) continue; const d = detectAll(t); if (d[0] && !["en","de"].includes(d[0].lang)) console.log(letters, d.slice(0,2).map(x=>x.lang+":"+x.accuracy.toFixed(2)).join(" "), JSON.stringify(t.slice(0,100))); }
