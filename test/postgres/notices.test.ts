/** test/integration/notices.test.ts (activity notices, ENC3) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/notices.test.ts'));
