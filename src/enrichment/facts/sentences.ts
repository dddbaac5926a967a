// Sentences by ICU's segmenter (Intl.Segmenter, UAX #29): it knows every language we read and
// breaks at line ends too, which listings written as lists need.
import type { TextSpan } from "./fact-kinds.js";

export interface Sentence extends TextSpan {
  readonly text: string;
}

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(language: string): Intl.Segmenter {
  let segmenter = segmenters.get(language);
  if (!segmenter) {
    try {
      segmenter = new Intl.Segmenter(language, { granularity: "sentence" });
    } catch {
      segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
    }
    segmenters.set(language, segmenter);
  }
  return segmenter;
}

/** The sentences of `text` that hold a letter, with their offsets. */
export function splitSentences(text: string, language = "en"): Sentence[] {
  const sentences: Sentence[] = [];
  for (const part of segmenterFor(language).segment(text)) {
    // A line break inside a segment (a list item without a full stop) ends a sentence too.
    let offset = part.index;
    for (const line of part.segment.split("\n")) {
      const lead = line.length - line.trimStart().length;
      const body = line.trim();
      if (/\p{L}/u.test(body)) {
        const start = offset + lead;
        sentences.push({ start, end: start + body.length, text: body });
      }
      offset += line.length + 1;
    }
  }
  return sentences;
}
