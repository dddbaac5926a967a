// Which items of a claimed page answer together: an animal's translations into each of its
// target languages share one call (translation-set.ts), so each item learns its siblings. The
// group is what the page holds for that animal (what is pending): a language already up to
// date is not translated again.
import type { WorkItem } from "./enrichment-store.js";

export function withLanguageGroups(items: readonly WorkItem[]): WorkItem[] {
  const groups = new Map<string, string[]>();
  const keyOf = (item: WorkItem) => `${item.animalId}\u001f${item.variant?.promptVersion ?? ""}`;
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item.targetLanguage);
    else groups.set(key, [item.targetLanguage]);
  }
  for (const group of groups.values()) group.sort();
  return items.map((item) => ({ ...item, languageGroup: groups.get(keyOf(item))! }));
}

/**
 * A full page may end inside an animal's languages, the rest coming with the next page: its
 * last animal's items wait for that page, so that one call answers them all.
 */
export function splitLastAnimal(page: readonly WorkItem[]): {
  readonly ready: WorkItem[];
  readonly held: WorkItem[];
} {
  const last = page[page.length - 1];
  if (last === undefined) return { ready: [], held: [] };
  const ready = page.filter((item) => item.animalId !== last.animalId);
  const held = page.filter((item) => item.animalId === last.animalId);
  return { ready, held };
}
