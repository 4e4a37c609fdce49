/** test/integration/federation.test.ts (two federated nodes) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/federation.test.ts'));
