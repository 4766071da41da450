/**
 * One Lobby node in a process of its own, on a PostgreSQL schema given as its argument,
 * so that a test can kill it the hard way (SIGKILL: no socket is closed, no row updated).
 * Prints one JSON line {url, nodeId} once it listens.
 */
import { startPostgresNode } from './postgres-nodes.js';

const [url, schema] = process.argv.slice(2);
if (!url || !schema) throw new Error('usage: lobby-node-process.ts <postgres url> <schema>');
const lobby = await startPostgresNode(url, schema, { poolSize: 2 });
process.stdout.write(`${JSON.stringify({ url: lobby.url, nodeId: lobby.engine.nodeId })}\n`);
