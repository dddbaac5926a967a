// An error as a page: the status and our own message (5xx: only the request id).
import { Layout } from "./layout.js";

export function ErrorPage(props: {
  readonly status: number;
  readonly message: string;
  readonly openDevelopment: boolean;
}): JSX.Element {
  return (
    <Layout title={`Error ${props.status}`} page="error" openDevelopment={props.openDevelopment}>
      <section class="error-page">
        <h1>
          {props.status === 404
            ? "Not found"
            : props.status === 403
              ? "Not allowed"
              : "Something went wrong"}
        </h1>
        <p safe>{props.message}</p>
        <p>
          <a href="/review">Back to the queue</a>
        </p>
      </section>
    </Layout>
  );
}
