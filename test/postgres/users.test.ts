/** test/integration/users.test.ts (users, roles and the audit log) once more, on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/users.test.ts'));
