// The listing as text (never as live HTML), evidence quotes highlighted and numbered.
import { highlightSegments, type TextRange } from "../../../review/quote-locations.js";

export interface LocatedQuote {
  readonly number: number;
  readonly ranges: readonly TextRange[];
}

export function SourcePanel(props: {
  readonly text: string;
  readonly raw: string | null;
  readonly facts: readonly (readonly [string, string])[];
  readonly quotes: readonly LocatedQuote[];
}): JSX.Element {
  const segments = highlightSegments(props.text, props.quotes);
  return (
    <section class="source panel" aria-labelledby="source-heading">
      <h2 id="source-heading">Listing</h2>
      {props.facts.length > 0 && (
        <dl class="facts">
          {props.facts.map(([key, value]) => (
            <>
              <dt safe>{key.replace("_", " ")}</dt>
              <dd safe>{value}</dd>
            </>
          ))}
        </dl>
      )}
      {props.text === "" ? (
        <p class="muted">This listing has no description.</p>
      ) : (
        <p class="prose source-text">
          {segments.map((segment) =>
            segment.quotes.length === 0 ? (
              <span safe>{segment.text}</span>
            ) : (
              <mark
                id={segment.starts[0] === undefined ? undefined : `quote-${segment.starts[0]}`}
                class="quote"
                data-quotes={segment.quotes.join(" ")}
                title={`Evidence ${segment.quotes.map((n) => `#${n}`).join(", ")}`}
              >
                {segment.starts.slice(1).map((n) => (
                  <span id={`quote-${n}`} />
                ))}
                {segment.starts.length > 0 && (
                  <sup aria-hidden="true" safe>
                    {segment.starts.join(",")}
                  </sup>
                )}
                <span safe>{segment.text}</span>
              </mark>
            ),
          )}
        </p>
      )}
      {props.raw !== null && props.raw !== props.text && (
        <details class="raw">
          <summary>Original text as stored (shown as text)</summary>
          <pre safe>{props.raw}</pre>
        </details>
      )}
    </section>
  );
}
