/** test/integration/keys.test.ts (key rotation and unpairing (LOG5, FED1)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/keys.test.ts'));
