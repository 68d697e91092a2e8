/**
 * expo-video without its native module (which it needs even to load), mapped in place of it for
 * every mobile test by jest.config.js: a player that records what the app sets (position, rate)
 * and lets a test emit the player's events (status, time updates, play/pause, end).
 */
import { useState } from 'react';
import { View } from 'react-native';

type Listener = (payload: never) => void;

export class FakePlayer {
  currentTime = 0;
  playing = false;
  playbackRate = 1;
  duration = 120;
  timeUpdateEventInterval = 0;
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(readonly source: { uri: string }) {}

  addListener(name: string, listener: Listener) {
    const set = this.listeners.get(name) ?? new Set();
    const wrapped = (payload: unknown) => (listener as (payload: unknown) => void)(payload);
    set.add(wrapped);
    this.listeners.set(name, set);
    return { remove: () => set.delete(wrapped) };
  }

  emit(name: string, payload?: unknown) {
    for (const listener of this.listeners.get(name) ?? []) listener(payload);
  }
}

export const players: FakePlayer[] = [];

export function useVideoPlayer(source: { uri: string }, setup?: (player: FakePlayer) => void): FakePlayer {
  const [player] = useState(() => {
    const created = new FakePlayer(source);
    setup?.(created);
    players.push(created);
    return created;
  });
  return player;
}

export function VideoView(props: { accessibilityLabel?: string }) {
  return <View accessibilityLabel={props.accessibilityLabel} />;
}
