// Prompt injection through the description shows up as output that carries instructions,
// links or contact details the listing itself does not contain.
import { emailsIn, phonesIn, urlsIn } from "./text-features.js";

const INSTRUCTION_PATTERNS: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules|guidelines|messages?)\b/i,
  /\b(?:system|developer) (?:prompt|message|instructions?)\b/i,
  /\b(?:new|updated|real) instructions?\s*:/i,
  /\byou are (?:now )?(?:an? )?(?:ai|assistant|language model|chatbot|chatgpt)\b/i,
  /\bas an (?:ai|artificial intelligence|language model)\b/i,
  /\b(?:click here|click the link|follow (?:this|the) link|visit (?:this|the following) (?:link|site|website|page))\b/i,
  /\bignorier\w* (?:alle |die )?(?:vorherigen|bisherigen|obigen) (?:anweisungen|instruktionen)\b/i,
  /[<‹]\/?(?:listing|facts|system|assistant|user)[>›]/i,
];

/** Instruction-like phrases found in `text` (the matching snippets). */
export function instructionPhrasesIn(text: string): string[] {
  return INSTRUCTION_PATTERNS.flatMap((pattern) => {
    const match = pattern.exec(text);
    return match ? [match[0]] : [];
  });
}

/** Reasons why `output` carries instructions, links or contacts absent from `source`. */
export function injectionReasons(output: string, source: string): string[] {
  const reasons: string[] = [];
  const sourceLower = source.toLowerCase();
  for (const phrase of instructionPhrasesIn(output)) {
    if (!instructionPhrasesIn(source).some((p) => p.toLowerCase() === phrase.toLowerCase())) {
      reasons.push(`contains instructions that are not in the listing: "${phrase}"`);
    }
  }
  const sourceUrls = urlsIn(source);
  for (const url of new Set(urlsIn(output))) {
    if (
      !sourceLower.includes(url) &&
      !sourceUrls.some((s) => s.startsWith(url) || url.startsWith(s))
    ) {
      reasons.push(`adds a link that is not in the listing: ${url}`);
    }
  }
  const sourceEmails = new Set(emailsIn(source));
  for (const email of new Set(emailsIn(output))) {
    if (!sourceEmails.has(email))
      reasons.push(`adds an e-mail address that is not in the listing: ${email}`);
  }
  const sourceDigits = source.replace(/\D/g, " ");
  const sourcePhones = new Set(phonesIn(source));
  for (const phone of new Set(phonesIn(output))) {
    if (!sourcePhones.has(phone) && !sourceDigits.replace(/ /g, "").includes(phone)) {
      reasons.push(`adds a phone number that is not in the listing: ${phone}`);
    }
  }
  return reasons;
}

/** Reasons why a text that should carry no contacts or instructions at all does. */
export function contactOrInstructionReasons(field: string, text: string): string[] {
  const reasons: string[] = [];
  for (const phrase of instructionPhrasesIn(text))
    reasons.push(`${field} contains instructions: "${phrase}"`);
  for (const url of urlsIn(text)) reasons.push(`${field} contains a link: ${url}`);
  for (const email of emailsIn(text)) reasons.push(`${field} contains an e-mail address: ${email}`);
  for (const phone of phonesIn(text)) reasons.push(`${field} contains a phone number: ${phone}`);
  return reasons;
}
