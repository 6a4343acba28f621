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
