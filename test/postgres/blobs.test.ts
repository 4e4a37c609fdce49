/** test/integration/blobs.test.ts (blobs fetched by hash in chunks (FED11)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/blobs.test.ts'));
