// Closing a connection whose client may still be sending, as Apache and nginx do ("lingering close"): after
// the answer, half-close (FIN) and keep reading and discarding until the client closes its side, or for
// LINGER_MS at most, and only then destroy the socket. Never reads a request itself, never writes an answer.
//
// Why: Node destroys a connection as soon as its answer is written (a 413 for a body over the limit, a 431
// for headers over 16 KiB). If the client is still writing, the kernel answers the unread bytes with a reset,
// and a reset can discard the answer before the client has read it: the client sees EPIPE or ECONNRESET
// instead of its 413 or 431. Node's own fix was proposed and stalled (nodejs/node#36205).
import type { Socket } from 'node:net';

/** How long a closing connection may keep draining what its client still sends. */
export const LINGER_MS = 5_000;

const lingering = new WeakSet<Socket>();

/**
 * Ends the socket after what has been written (FIN), drains what the client still sends, and destroys it once
 * the client has closed its side or LINGER_MS have passed. Calling it again on the same socket does nothing.
 */
export function closeGently(socket: Socket): void {
  if (socket.destroyed || lingering.has(socket)) return;
  lingering.add(socket);
  const stop = () => socket.destroy();
  const timer = setTimeout(stop, LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // The client has closed its side: everything it sent has been read, so closing ours resets nothing.
  socket.once('end', stop);
  // Node's HTTP parser keeps reading the socket and dropping what it reads; a socket no parser reads is
  // drained here instead (resume() discards data that has no listener).
  socket.resume();
  socket.end();
}

/**
 * Makes Node's HTTP server close this connection gently after its current answer: the server calls
 * socket.destroySoon() after an answer with `Connection: close`, which destroys the socket once the answer is
 * written; for this socket it becomes closeGently(). For answers sent before the request was read to its end.
 */
export function lingerAfterAnswer(socket: Socket | null | undefined): void {
  if (!socket || socket.destroyed) return;
  (socket as Socket & { destroySoon: () => void }).destroySoon = () => closeGently(socket);
}
