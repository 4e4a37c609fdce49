import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStoreUnavailable } from './errors.ts';

/** An Error carrying a `code`, as pg, better-sqlite3 and node's sockets throw them. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isStoreUnavailable', () => {
  it('[LOG10] knows a database that is out of reach for now (the author gets 503, not 500)', () => {
    const unavailable = [
      coded('terminating connection due to administrator command', '57P01'),
      coded('the database system is starting up', '57P03'),
      coded('sorry, too many clients already', '53300'),
      coded('cannot execute INSERT in a read-only transaction', '25006'),
      coded('could not extend file', '53100'),
      coded('connection failure', '08006'),
      coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      coded('read ECONNRESET', 'ECONNRESET'),
      coded('database or disk is full', 'SQLITE_FULL'),
      coded('attempt to write a readonly database', 'SQLITE_READONLY'),
      coded('disk I/O error', 'SQLITE_IOERR_WRITE'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
    ];
    for (const error of unavailable) assert.equal(isStoreUnavailable(error), true, error.message);
  });

  it('[LOG10] leaves bugs and bad SQL alone (they stay 500 and are logged as such)', () => {
    const bugs = [
      coded('syntax error at or near "selec"', '42601'),
      coded('duplicate key value violates unique constraint', '23505'),
      coded('no such table: events', 'SQLITE_ERROR'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      new Error('something else'),
      'Connection terminated',
      null,
    ];
    for (const error of bugs) assert.equal(isStoreUnavailable(error), false, String(error));
  });
});
