/** test/integration/three-nodes.test.ts (three nodes) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/three-nodes.test.ts'));
