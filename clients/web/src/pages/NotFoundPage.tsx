/** Any unknown path. */
import { Link } from 'react-router';
import { EmptyState } from '../components/ErrorState';
import { useTitle } from '../lib/useTitle';

export default function NotFoundPage() {
  useTitle('Page not found');
  return (
    <div className="page">
      <EmptyState title="Page not found">
        <p>
          The page you were looking for does not exist. <Link to="/">Go to the home page</Link>.
        </p>
      </EmptyState>
    </div>
  );
}
