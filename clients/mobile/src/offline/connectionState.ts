/**
 * What the app knows about its connection, apart from React and react-native so the Apollo client
 * and the outbox (both run in Node tests) can report to it: whether the device says it is
 * connected, and whether the last request to the gateway failed with a network error. The second
 * matters because a captive portal or a broken Wi-Fi still reports "connected"; only a request
 * that reaches the gateway proves it. `retry()` runs what registered to be retried (the outbox,
 * the screens' queries).
 */

export interface ConnectionSnapshot {
  /** The device's view (NetInfo); null until it has answered. */
  deviceOnline: boolean | null;
  /** The last request to the gateway failed without an answer from it. */
  lastRequestFailed: boolean;
}

type Listener = () => void;

export interface ConnectionState {
  snapshot: () => ConnectionSnapshot;
  /** Online unless the device says it is not or the last request found no gateway. */
  online: () => boolean;
  setDeviceOnline: (online: boolean) => void;
  reportNetworkFailure: () => void;
  reportNetworkSuccess: () => void;
  subscribe: (listener: Listener) => () => void;
  /** Registers work to run on `retry()` and when the connection comes back. */
  onReconnect: (handler: () => void) => () => void;
  /** The learner asked to try again: forget the last failure and run every reconnect handler. */
  retry: () => void;
}

export function createConnectionState(): ConnectionState {
  let state: ConnectionSnapshot = { deviceOnline: null, lastRequestFailed: false };
  const listeners = new Set<Listener>();
  const reconnectHandlers = new Set<() => void>();
  const online = (value: ConnectionSnapshot) => value.deviceOnline !== false && !value.lastRequestFailed;

  const update = (next: ConnectionSnapshot) => {
    if (next.deviceOnline === state.deviceOnline && next.lastRequestFailed === state.lastRequestFailed)
      return;
    const wasOnline = online(state);
    state = next;
    listeners.forEach((listener) => listener());
    if (!wasOnline && online(state)) reconnectHandlers.forEach((handler) => handler());
  };

  return {
    snapshot: () => state,
    online: () => online(state),
    // The device coming back says nothing about the gateway yet: the next request will tell.
    setDeviceOnline: (deviceOnline) =>
      update({ deviceOnline, lastRequestFailed: deviceOnline ? false : state.lastRequestFailed }),
    reportNetworkFailure: () => update({ ...state, lastRequestFailed: true }),
    reportNetworkSuccess: () => update({ ...state, lastRequestFailed: false }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onReconnect(handler) {
      reconnectHandlers.add(handler);
      return () => reconnectHandlers.delete(handler);
    },
    retry() {
      const wasOnline = online(state);
      update({ ...state, lastRequestFailed: false });
      // Already online (or the device is still offline): the handlers were not run by update.
      if (wasOnline || !online(state)) reconnectHandlers.forEach((handler) => handler());
    },
  };
}

/** The app's one connection state. */
export const connection: ConnectionState = createConnectionState();
