/** test/integration/phrasebook.test.ts (the phrasebook and each user's language (HOT6)) once more, every node on PostgreSQL (STO1). */
import { describeOnPostgres } from '../support/postgres.ts';

describeOnPostgres(() => import('../integration/phrasebook.test.ts'));
