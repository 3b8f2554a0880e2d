import { ErrorBoundary, LocationProvider, Route, Router, lazy } from 'preact-iso';
import { useMemo, useState } from 'preact/hooks';
import { keepToken, openSession, readToken } from './session';
import { SessionContext } from './session-context';
import { SignIn } from './sign-in';
import { Home } from './views/home';
import { Organizations } from './views/organizations';
import { NotFound } from './views/not-found';

// The views with charts load the chart library with them, after the first page is shown.
const Completeness = lazy(() => import('./views/completeness').then((m) => m.Completeness));
const Rollup = lazy(() => import('./views/rollup').then((m) => m.Rollup));
const Review = lazy(() => import('./views/review').then((m) => m.Review));

const SECTIONS = [
  { href: '/', label: '首页' },
  { href: '/org', label: '组织' },
  { href: '/progress', label: '报送进度' },
  { href: '/rollup', label: '汇总与排名' },
  { href: '/review', label: '审核' },
];

export function App() {
  const [token, setToken] = useState(readToken);
  const session = useMemo(() => openSession(token), [token]);
  const signIn = (next: string | null) => {
    keepToken(next);
    setToken(next);
  };
  return (
    <SessionContext.Provider value={session}>
      <LocationProvider>
        <a class="skip" href="#main">
          跳到正文
        </a>
        <header class="top">
          <a class="brand" href="/">
            湖南省妇联数据工作台
          </a>
          <nav aria-label="栏目">
            {SECTIONS.map((section) => (
              <a href={section.href}>{section.label}</a>
            ))}
          </nav>
          <SignIn token={token} onChange={signIn} />
        </header>
        <main id="main" tabIndex={-1}>
          <ErrorBoundary>
            <Router>
              <Route path="/" component={Home} />
              <Route path="/org" component={Organizations} />
              <Route path="/org/:code" component={Organizations} />
              <Route path="/progress" component={Completeness} />
              <Route path="/rollup" component={Rollup} />
              <Route path="/review" component={Review} />
              <Route path="/review/:id" component={Review} />
              <Route default component={NotFound} />
            </Router>
          </ErrorBoundary>
        </main>
      </LocationProvider>
    </SessionContext.Provider>
  );
}
