/** test/integration/reliability.test.ts (the reliability report (HOT8)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/reliability.test.ts'));
