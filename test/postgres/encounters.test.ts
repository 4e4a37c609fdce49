/** test/integration/encounters.test.ts (encounter reports and their workflow (ENC1, ENC2)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/encounters.test.ts'));
