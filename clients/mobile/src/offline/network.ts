/**
 * The connection as screens see it: offline when the device says so (NetInfo) or when the last
 * request to the gateway failed with a network error — a captive portal or a broken Wi-Fi says
 * "connected" but answers nothing useful. `retry()` forgets that failure, asks the device again,
 * and re-runs what waits for the connection (the outbox, the screens' queries).
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import NetInfo, { type NetInfoState } from '@react-native-community/netinfo';
import { connection } from './connectionState';

export { connection, createConnectionState, type ConnectionState } from './connectionState';
export { createNetworkReportingLink } from './networkLink';

/** Unknown (null) counts as connected: only a definite "no" from the device means offline. */
export function deviceOnline(state: Pick<NetInfoState, 'isConnected' | 'isInternetReachable'>): boolean {
  return state.isConnected !== false && state.isInternetReachable !== false;
}

let unwatch: (() => void) | null = null;

/** One NetInfo listener for the whole app, started by the first screen that asks. */
function watchDevice() {
  if (unwatch) return;
  unwatch = NetInfo.addEventListener((state) => connection.setDeviceOnline(deviceOnline(state)));
}

export function useConnection(): { online: boolean; retry: () => void } {
  useEffect(watchDevice, []);
  const snapshot = useSyncExternalStore(connection.subscribe, connection.snapshot, connection.snapshot);
  const retry = useCallback(() => {
    connection.retry();
    void NetInfo.refresh()
      .then((state) => connection.setDeviceOnline(deviceOnline(state)))
      .catch(() => undefined);
  }, []);
  return { online: snapshot.deviceOnline !== false && !snapshot.lastRequestFailed, retry };
}
