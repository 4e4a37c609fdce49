/** test/integration/escalation.test.ts (deadlines and escalation (HOT2, HOT4)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/escalation.test.ts'));
