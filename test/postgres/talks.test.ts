/** test/integration/talks.test.ts (video talks between three nodes (CALL5)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/talks.test.ts'));
