/** test/integration/link.test.ts (the federation link's drills and clock checks) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/link.test.ts'));
