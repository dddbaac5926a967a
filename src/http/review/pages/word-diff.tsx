// A word-level diff of the listing and the cleaned description (the `diff` package).
import { diffWordsWithSpace } from "diff";

export function WordDiff(props: { readonly before: string; readonly after: string }): JSX.Element {
  const parts = diffWordsWithSpace(props.before, props.after);
  return (
    <p class="diff prose">
      {parts.map((part) =>
        part.added ? (
          <ins safe>{part.value}</ins>
        ) : part.removed ? (
          <del safe>{part.value}</del>
        ) : (
          <span safe>{part.value}</span>
        ),
      )}
    </p>
  );
}
