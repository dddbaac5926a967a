// Sign in with a key from API_KEYS; the key goes into a form post, never a URL.
import { Layout } from "./layout.js";

export function SignInPage(props: {
  readonly csrfToken: string;
  readonly next: string;
  readonly error?: string | undefined;
}): JSX.Element {
  return (
    <Layout title="Sign in" page="sign-in" openDevelopment={false}>
      <section class="sign-in">
        <h1>Sign in to review</h1>
        <p>Use your staff API key (one of the keys in API_KEYS). It is checked, never stored.</p>
        {props.error !== undefined && (
          <p class="banner error" role="alert" safe>
            {props.error}
          </p>
        )}
        <form method="post" action="/review/sign-in" class="stack">
          <input type="hidden" name="_csrf" value={props.csrfToken} />
          <input type="hidden" name="next" value={props.next} />
          <label for="api-key">API key</label>
          <input
            id="api-key"
            name="api_key"
            type="password"
            autocomplete="current-password"
            required
            autofocus
          />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      </section>
    </Layout>
  );
}
