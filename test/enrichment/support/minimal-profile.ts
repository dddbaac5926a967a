// The smallest honest profile the schema accepts: one trait with its quote, nothing else.
export const MINIMAL_PROFILE = {
  tagline: "Bella: calm",
  bio: "Bella is calm. She likes walks.",
  looking_for: "A quiet home.",
  personality_traits: ["calm"],
  interests: [],
  fun_fact: null,
  good_with_dogs: "unknown",
  good_with_cats: "unknown",
  good_with_children: "unknown",
  evidence: [{ field: "personality_traits", claim: "calm", quote: "Bella is calm" }],
};
