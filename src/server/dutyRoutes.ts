/**
 * The duty roster over HTTP (HOT5):
 * - `GET /api/v1/duty` → every desk known here (this node's first): who holds it, since when,
 *   its changes, and `handover`: the latest handover of this node's desk while the officer it
 *   was handed to still holds it, its open items with their state now;
 * - `POST /api/v1/duty/take {}` → the signed-in officer takes this node's desk;
 * - `POST /api/v1/duty/handover {to, note?}` → the desk goes to `to` (a username of this node
 *   whose role may hold the desk), with the open items;
 * - `GET /api/v1/users` → this node's users (username, role, whether they may hold the desk),
 *   for choosing the next officer.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { USER_NAME_PATTERN } from '../core/types.ts';
import type { Hotline } from '../hotline/messages.ts';
import { type DeskView, type DutyChange, DutyDesk, RosterError } from '../hotline/roster.ts';
import type { Ledger } from '../record/ledger.ts';
import type { Store, StoredEvent } from '../store/types.ts';
import { ApiError, invalidInput } from './errors.ts';
import { isAllowed } from './permissions.ts';
import { require } from './routes.ts';

/** What the duty routes use of the node (the app's services satisfy it). */
export interface DutyRouteDeps {
  nodeId: string;
  store: Store;
  ledger: Ledger;
  hotline: Hotline;
}

const takeBody = z.object({}).strict();
const handoverBody = z
  .object({
    to: z.string().regex(USER_NAME_PATTERN, 'not a username'),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

const ROSTER_STATUS: Record<RosterError['code'], number> = {
  'already-on-duty': 409,
  'desk-empty': 409,
  'not-desk-holder': 403,
  'no-line': 409,
};

/** Runs a roster change, turning its refusal into the API's error. */
async function change(work: () => Promise<StoredEvent[]>): Promise<{ events: StoredEvent['event'][] }> {
  try {
    return { events: (await work()).map((stored) => stored.event) };
  } catch (error) {
    if (error instanceof RosterError)
      throw new ApiError(ROSTER_STATUS[error.code], error.code, error.message);
    throw error;
  }
}

/** The latest handover of this node's desk while its recipient holds it, or null. */
function currentHandover(own: DeskView): DutyChange | null {
  const latest = own.history[0];
  return latest?.kind === 'handed-over' && latest.to === own.holder ? latest : null;
}

/** Registers the roster routes; the desk follows the record from now on. */
export function registerDutyRoutes(app: FastifyInstance, deps: DutyRouteDeps): DutyDesk {
  const { store, hotline } = deps;
  const desk = new DutyDesk({
    ledger: deps.ledger,
    store,
    isLineClosed: (line) => hotline.isLineClosed?.(line) ?? false,
  });

  app.get('/api/v1/duty', async (request) => {
    require(request, 'line.read');
    const desks = await desk.desks();
    const names = new Map((await store.listNodes()).map((node) => [node.nodeId, node.name]));
    const own = desks[0];
    const handover = own ? currentHandover(own) : null;
    const items = await Promise.all(
      (handover?.openItems ?? []).map(async (item) => {
        const [view, posted] = await Promise.all([hotline.view(item.message), store.getEvent(item.message)]);
        const text = posted?.event.body.text;
        return {
          ...item,
          state: view?.state ?? null,
          text: typeof text === 'string' ? text.slice(0, 500) : null,
        };
      }),
    );
    return {
      desks: desks.map((view) => ({
        ...view,
        name: names.get(view.node) ?? view.node,
        isSelf: view.node === deps.nodeId,
        history: view.history.map(({ openItems, ...rest }) => ({ ...rest, openItemCount: openItems.length })),
      })),
      handover: handover ? { ...handover, openItems: items } : null,
    };
  });

  app.post('/api/v1/duty/take', async (request, reply) => {
    const principal = require(request, 'duty.hold');
    parse(takeBody, request.body);
    return reply.status(201).send(await change(() => desk.take(principal.author)));
  });

  app.post('/api/v1/duty/handover', async (request, reply) => {
    const principal = require(request, 'line.read');
    if (!isAllowed(principal.role, 'duty.hold') && !isAllowed(principal.role, 'duty.reassign'))
      throw new ApiError(
        403,
        'forbidden',
        `the ${principal.role} role may not hand over the desk (duty.hold)`,
      );
    const body = parse(handoverBody, request.body);
    const next = await store.getUser(body.to);
    if (!next) throw new ApiError(400, 'unknown-user', `${body.to} is not a user of this node`);
    if (!isAllowed(next.role, 'duty.hold')) {
      throw new ApiError(
        400,
        'may-not-hold-desk',
        `${body.to} is a ${next.role}: only officers and supervisors hold the desk`,
      );
    }
    const mayReassign = isAllowed(principal.role, 'duty.reassign');
    const to = `${next.username}@${deps.nodeId}`;
    return reply
      .status(201)
      .send(await change(() => desk.handOver(principal.author, to, body.note, mayReassign)));
  });

  app.get('/api/v1/users', async (request) => {
    require(request, 'line.read');
    const users = await store.listUsers();
    return users
      .map((user) => ({
        username: user.username,
        role: user.role,
        mayHoldDesk: isAllowed(user.role, 'duty.hold'),
      }))
      .sort((a, b) => (a.username < b.username ? -1 : 1));
  });

  return desk;
}
