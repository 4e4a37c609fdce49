/** test/integration/call-requests.test.ts (call requests (HOT7)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/call-requests.test.ts'));
