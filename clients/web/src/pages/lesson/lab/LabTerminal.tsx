/**
 * The lab's terminal: xterm.js connected to the session's sandbox. Loaded lazily (the emulator is
 * its own chunk) and mounted only while the session is READY. Each connection asks for a fresh
 * terminal URL, whose token is single-use; TerminalConnection decides when to reconnect.
 */
import { useEffect, useRef, useState } from 'react';
import { useApolloClient } from '@apollo/client';
import { LabSessionQuery } from '@learncraft/operations';
import {
  TerminalConnection,
  type ConnectionState,
  type TerminalConnectionOptions,
} from '@learncraft/operations/terminal';
import { describeConnection } from '@learncraft/operations/labWording';
import { mountTerminal } from './xtermAdapter';

export type RetryOptions = Pick<TerminalConnectionOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxAttempts'>;

export default function LabTerminal({ sessionId, retry }: { sessionId: string; retry?: RetryOptions }) {
  const container = useRef<HTMLDivElement>(null);
  const connection = useRef<TerminalConnection | null>(null);
  const client = useApolloClient();
  const [state, setState] = useState<ConnectionState>({ kind: 'connecting' });
  // Read once: retry settings changing under a live connection would mean nothing to it.
  const [retryOptions] = useState(retry);

  useEffect(() => {
    const mounted = mountTerminal(container.current!);
    const current = new TerminalConnection({
      ...retryOptions,
      terminal: mounted,
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
      mounted.dispose();
      connection.current = null;
    };
  }, [client, sessionId, retryOptions]);

  return (
    <section className="lab-terminal" aria-label="Terminal">
      <div className="terminal-status">
        <p aria-live="polite">{describeConnection(state)}</p>
        {state.kind === 'closed' && state.reason === 'gaveUp' && (
          <button type="button" className="button secondary" onClick={() => connection.current?.reconnect()}>
            Reconnect
          </button>
        )}
      </div>
      <div ref={container} className="terminal-screen" />
      <p className="hint">In the terminal, Tab completes; press Esc and then Tab to move on from it.</p>
    </section>
  );
}
