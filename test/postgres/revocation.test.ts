/** test/integration/revocation.test.ts (revoking a compromised key) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/revocation.test.ts'));
