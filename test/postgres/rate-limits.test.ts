/** test/integration/rate-limits.test.ts (the API's and the federation link's rate limits) once more, on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/rate-limits.test.ts'));
