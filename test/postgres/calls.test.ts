/** test/integration/calls.test.ts (calls through the API, CALL1–CALL4) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/calls.test.ts'));
