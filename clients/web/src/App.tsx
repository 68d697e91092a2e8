/**
 * Routes and the page frame. Every page is its own lazily loaded chunk; pages that need a signed-in
 * learner sit behind RequireAuth, and a session that can no longer be refreshed sends the learner to
 * the log-in page, which brings them back to where they were. The navigation grows with the
 * viewer's roles (Teaching for instructors, Payouts for admins); signed in, it links the viewer's
 * organizations, whose consoles live under /organizations.
 */
import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { useApolloClient } from '@apollo/client';
import {
  BrowserRouter,
  Link,
  Navigate,
  NavLink,
  Route,
  Routes,
  useLocation,
  useNavigate,
} from 'react-router';
import { useSession, useSessionManager } from './auth/SessionContext';
import { PageSkeleton } from './components/Skeleton';
import { loginPath } from './lib/paths';
import { hasRole } from './lib/roles';

const HomePage = lazy(() => import('./pages/HomePage'));
const SearchPage = lazy(() => import('./pages/SearchPage'));
const CoursePage = lazy(() => import('./pages/CoursePage'));
const LessonPage = lazy(() => import('./pages/LessonPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const LoginPage = lazy(() => import('./pages/LoginPage'));
const SignupPage = lazy(() => import('./pages/SignupPage'));
const ForgotPasswordPage = lazy(() => import('./pages/ForgotPasswordPage'));
const ResetPasswordPage = lazy(() => import('./pages/ResetPasswordPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));
const PricingPage = lazy(() => import('./pages/PricingPage'));
const CheckoutPage = lazy(() => import('./pages/CheckoutPage'));
const CheckoutReturnPage = lazy(() => import('./pages/CheckoutReturnPage'));
const OrdersPage = lazy(() => import('./pages/OrdersPage'));
const OrderPage = lazy(() => import('./pages/OrderPage'));
const TeachingPage = lazy(() => import('./pages/TeachingPage'));
const PayoutsPage = lazy(() => import('./pages/PayoutsPage'));
const OrganizationsPage = lazy(() => import('./pages/organizations/OrganizationsPage'));
const OrganizationPage = lazy(() => import('./pages/organizations/OrganizationPage'));
const InvitationPage = lazy(() => import('./pages/organizations/InvitationPage'));

export function App() {
  return (
    <BrowserRouter>
      <Layout>
        <Suspense fallback={<PageSkeleton />}>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/search" element={<SearchPage />} />
            <Route path="/courses/:slug" element={<CoursePage />} />
            <Route
              path="/courses/:slug/lessons/:lessonId"
              element={
                <RequireAuth>
                  <LessonPage />
                </RequireAuth>
              }
            />
            <Route
              path="/dashboard"
              element={
                <RequireAuth>
                  <DashboardPage />
                </RequireAuth>
              }
            />
            <Route path="/pricing" element={<PricingPage />} />
            <Route
              path="/checkout"
              element={
                <RequireAuth>
                  <CheckoutPage />
                </RequireAuth>
              }
            />
            <Route
              path="/checkout/return"
              element={
                <RequireAuth>
                  <CheckoutReturnPage />
                </RequireAuth>
              }
            />
            <Route
              path="/orders"
              element={
                <RequireAuth>
                  <OrdersPage />
                </RequireAuth>
              }
            />
            <Route
              path="/orders/:orderId"
              element={
                <RequireAuth>
                  <OrderPage />
                </RequireAuth>
              }
            />
            <Route
              path="/teaching"
              element={
                <RequireAuth>
                  <TeachingPage />
                </RequireAuth>
              }
            />
            <Route
              path="/admin/payouts"
              element={
                <RequireAuth>
                  <PayoutsPage />
                </RequireAuth>
              }
            />
            <Route
              path="/organizations"
              element={
                <RequireAuth>
                  <OrganizationsPage />
                </RequireAuth>
              }
            />
            <Route
              path="/organizations/:id"
              element={
                <RequireAuth>
                  <OrganizationPage />
                </RequireAuth>
              }
            />
            {/* Open to the signed out: the page itself offers to log in or sign up and come back. */}
            <Route path="/invitations/:token" element={<InvitationPage />} />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<SignupPage />} />
            <Route path="/forgot-password" element={<ForgotPasswordPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </Layout>
    </BrowserRouter>
  );
}

function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <PageSkeleton />;
  if (session.status === 'anonymous') return <Navigate to={loginPath(location)} replace />;
  return children;
}

function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const manager = useSessionManager();
  const client = useApolloClient();
  const location = useLocation();
  const navigate = useNavigate();
  const viewer = session.status === 'signedIn' ? session.user : null;

  useEffect(() => {
    if (session.status === 'anonymous' && session.expired && location.pathname !== '/login')
      void navigate(loginPath(location), { replace: true });
  }, [session, location, navigate]);

  // A route change moves focus to the page content, as a full page load would, so keyboard and
  // screen-reader users start at the new page rather than at the link they activated.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location.pathname]);

  const logOut = async () => {
    await manager.signOut();
    await client.clearStore();
    void navigate('/');
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          LearnCraft
        </Link>
        <nav aria-label="Main">
          <NavLink to="/search">Search</NavLink>
          <NavLink to="/pricing">Pricing</NavLink>
          {session.status === 'signedIn' && <NavLink to="/dashboard">My learning</NavLink>}
          {session.status === 'signedIn' && <NavLink to="/orders">Orders</NavLink>}
          {session.status === 'signedIn' && <NavLink to="/organizations">Organizations</NavLink>}
          {hasRole(viewer, 'INSTRUCTOR') && <NavLink to="/teaching">Teaching</NavLink>}
          {hasRole(viewer, 'ADMIN') && <NavLink to="/admin/payouts">Payouts</NavLink>}
        </nav>
        <div className="account">
          {session.status === 'signedIn' ? (
            <>
              <span className="account-name">{session.user.displayName}</span>
              <button type="button" className="button secondary" onClick={() => void logOut()}>
                Log out
              </button>
            </>
          ) : session.status === 'anonymous' ? (
            <>
              <NavLink to={loginPath(location)}>Log in</NavLink>
              <Link to="/signup" className="button">
                Sign up
              </Link>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">LearnCraft — learn by doing.</footer>
    </>
  );
}
