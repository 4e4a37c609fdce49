/** test/integration/permissions.test.ts (the permission table on a real node) once more, on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/permissions.test.ts'));
