/** test/integration/api.test.ts (the HTTP API) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/api.test.ts'));
