/** test/integration/auth.test.ts (sign-in, second factor, sessions, CSRF, login limit (SEC2, SEC4)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/auth.test.ts'));
