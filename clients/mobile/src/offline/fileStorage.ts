/**
 * AsyncStorage's shape over files in a folder (expo-file-system): where downloaded lessons'
 * snapshots are kept on a phone. AsyncStorage on Android has a 6 MB budget shared with the
 * persisted cache and refuses single values past ~2 MB; files in the document directory have
 * neither limit and stay until removed (unlike the cache directory, which the system may clear).
 * A value is written beside its file and moved over it, so a write cut short leaves the old one.
 */
import { Directory, File } from 'expo-file-system';
import type { KeyValueStorage } from './outbox';

export function fileStorage(folder: Directory): KeyValueStorage {
  const fileOf = (key: string) => new File(folder, `${encodeURIComponent(key)}.json`);
  return {
    async getItem(key) {
      const file = fileOf(key);
      return file.exists ? await file.text() : null;
    },
    async setItem(key, value) {
      if (!folder.exists) folder.create({ intermediates: true, idempotent: true });
      const partial = new File(folder, `${encodeURIComponent(key)}.json.partial`);
      partial.write(value);
      await partial.move(fileOf(key), { overwrite: true });
    },
    removeItem(key) {
      const file = fileOf(key);
      if (file.exists) file.delete();
      return Promise.resolve();
    },
  };
}
