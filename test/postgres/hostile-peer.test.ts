/** test/integration/hostile-peer.test.ts (the hostile and equivocating peers) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/hostile-peer.test.ts'));
