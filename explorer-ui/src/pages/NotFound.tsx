import { Link } from "../router";
import { Untrusted } from "../components/Text";
import { urls } from "../urls";

export function NotFoundPage({ path }: { path: string }) {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <Untrusted value={path} max={80} />. <Link to={urls.home()}>Back to the overview</Link>.
      </p>
    </div>
  );
}

/** Shown when a route parameter is malformed (a page never sends it to the API). */
export function BadParam({ what, value }: { what: string; value: string }) {
  return (
    <div className="page">
      <h1>Invalid {what}</h1>
      <div className="state error" role="alert">
        <span>
          <Untrusted value={value} max={80} /> is not a valid {what}.
        </span>
      </div>
    </div>
  );
}

export const isId = (s: string) => /^\d{1,78}$/.test(s);
export const isAddress = (s: string) => /^0x[0-9a-fA-F]{40}$/.test(s);
export const isHash = (s: string) => /^0x[0-9a-fA-F]{64}$/.test(s);
