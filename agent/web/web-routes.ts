import { accessLogRoutes } from './pages/access-log-page.ts';
import { accessRoutes } from './pages/access-page.ts';
import { alertRoutes } from './pages/alerts-page.ts';
import { clipRoutes } from './pages/clips-page.ts';
import { exportRoutes } from './pages/exports-page.ts';
import { ledgerRoutes } from './pages/ledger-page.ts';
import { lifecycleRoutes } from './pages/lifecycle-page.ts';
import { loginRoutes } from './pages/login-page.ts';
import { nowRoutes } from './pages/now-page.ts';
import { recorderRoutes } from './pages/recorders-page.ts';
import { reportRoutes } from './pages/reports-page.ts';
import { userRoutes } from './pages/users-page.ts';
import type { Route } from './router.ts';

/**
 * Every route of the page, in matching order (the first route whose method and path match
 * wins). Tests iterate over this table: each non-public route must refuse anonymous requests and
 * each permission must refuse the roles without it.
 */
export const WEB_ROUTES: readonly Route[] = [
  ...loginRoutes,
  ...nowRoutes,
  ...ledgerRoutes,
  ...recorderRoutes,
  ...alertRoutes,
  ...clipRoutes,
  ...accessRoutes,
  ...exportRoutes,
  ...reportRoutes,
  ...lifecycleRoutes,
  ...accessLogRoutes,
  ...userRoutes,
];
