/**
 * The lab's terminal on a phone: a ScrollbackTerminal connected to the session's sandbox by the
 * shared TerminalConnection, mounted only while the session is READY. Each connection asks for a
 * fresh terminal URL (its token is single-use); the connection decides when to reconnect, and the
 * state it reports is said in words, as on the web.
 */
import { useEffect, useRef, useState } from 'react';
import { View } from 'react-native';
import { useApolloClient } from '@apollo/client';
import { LabSessionQuery } from '@learncraft/operations';
import {
  TerminalConnection,
  type ConnectionState,
  type TerminalConnectionOptions,
} from '@learncraft/operations/terminal';
import { describeConnection } from '@learncraft/operations/labWording';
import { ScrollbackTerminal, Terminal } from '../Terminal';
import { Body, Button } from '../../ui';
import { useTheme } from '../../theme';

export function LabTerminal({
  sessionId,
  createSocket,
}: {
  sessionId: string;
  /** The WebSocket to use (a test's); the platform's by default. */
  createSocket?: TerminalConnectionOptions['createSocket'];
}) {
  const { spacing } = useTheme();
  const client = useApolloClient();
  const [terminal] = useState(() => new ScrollbackTerminal());
  const connection = useRef<TerminalConnection | null>(null);
  const [state, setState] = useState<ConnectionState>({ kind: 'connecting' });
  const [socketFactory] = useState(() => createSocket);

  useEffect(() => {
    const current = new TerminalConnection({
      terminal,
      ...(socketFactory ? { createSocket: socketFactory } : {}),
      freshUrl: async () => {
        const { data } = await client.query({
          query: LabSessionQuery,
          variables: { id: sessionId },
          fetchPolicy: 'network-only',
        });
        return data.labSession?.terminalUrl ?? null;
      },
      onState: setState,
    });
    connection.current = current;
    current.start();
    return () => {
      current.close();
      connection.current = null;
    };
  }, [client, sessionId, terminal, socketFactory]);

  return (
    <View style={{ gap: spacing.sm }}>
      <View accessibilityLiveRegion="polite">
        <Body muted>{describeConnection(state)}</Body>
      </View>
      {state.kind === 'closed' && state.reason === 'gaveUp' && (
        <Button label="Reconnect" variant="secondary" onPress={() => connection.current?.reconnect()} />
      )}
      <Terminal terminal={terminal} />
    </View>
  );
}
