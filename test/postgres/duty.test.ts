/** test/integration/duty.test.ts (the duty roster and translations (HOT5, HOT6)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/duty.test.ts'));
