/** test/integration/dossier.test.ts (an encounter's dossier, ENC5) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/dossier.test.ts'));
