// A minimal graphql-transport-ws client (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md):
// connection_init with the bearer token, subscribe, next / error / complete, ping → pong, and a reconnect with
// backoff (1 s doubling to 30 s) that subscribes again, because the server ends the socket when a token
// expires or a node goes away. Delivery is at least once: callers drop an id they have seen.
import { session } from './api.js';

/**
 * Subscribes to one operation; returns {close()}. onNext(data) gets each result's data, onStatus(state)
 * 'connecting' | 'open' | 'closed' (closed: will retry), onError(problem) a GraphQL error list or a refusal.
 */
export function subscribe(query, variables, { onNext, onStatus = () => {}, onError = () => {} }) {
  let socket = null;
  let delay = 1000;
  let retry = null;
  let stopped = false;

  function connect() {
    if (stopped) return;
    onStatus('connecting');
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
    socket = new WebSocket(url, 'graphql-transport-ws');
    socket.onopen = () => socket.send(JSON.stringify({
      type: 'connection_init', payload: { Authorization: `Bearer ${session.token()}` },
    }));
    socket.onmessage = (e) => {
      const message = JSON.parse(e.data);
      switch (message.type) {
        case 'connection_ack':
          delay = 1000;
          onStatus('open');
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
          break;
        case 'ping':
          socket.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'next':
          if (message.payload.errors) onError(message.payload.errors);
          if (message.payload.data) onNext(message.payload.data);
          break;
        case 'error':
          onError(message.payload);
          break;
        default:
          break; // pong, complete: nothing to do (a completed stream reconnects when the socket closes)
      }
    };
    socket.onclose = (e) => {
      socket = null;
      if (stopped) return;
      onStatus('closed');
      // 4401/4403: the token is no longer good; retrying with it would only be refused again.
      if (e.code === 4401 || e.code === 4403) {
        onError([{ message: '实时推送连接被拒绝，请重新登录。' }]);
        return;
      }
      retry = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  connect();
  return {
    close() {
      stopped = true;
      clearTimeout(retry);
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ id: '1', type: 'complete' }));
      }
      if (socket) socket.close(1000);
    },
  };
}
