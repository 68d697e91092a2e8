/**
 * Mailer for the embedded default: each mail becomes `<dir>/<timestamp>-<recipient>.eml` (a plain
 * RFC 5322 message any mail program opens), directory 0700 and file 0600 because reset links are
 * secrets, and the path is logged.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@learncraft/kit';
import type { Mail, Mailer } from './index';

export class FileMailer implements Mailer {
  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(mail: Mail): Promise<void> {
    await this.write(mail);
  }

  /** Writes the mail and resolves with its path. */
  async write(mail: Mail): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const date = this.now();
    const stamp = date.toISOString().replace(/[:.]/g, '-');
    const recipient = mail.to.replace(/[^A-Za-z0-9@._+-]/g, '_');
    const message = [
      `From: ${this.from}`,
      `To: ${mail.to}`,
      `Subject: ${mail.subject}`,
      `Date: ${date.toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      mail.text,
      '',
    ].join('\r\n');
    const path = await this.writeNew(`${stamp}-${recipient}`, message);
    this.logger.info(`mail "${mail.subject}" to ${mail.to} written to ${path}`);
    return path;
  }

  /** Writes `<base>.eml`, or `<stamp>-<n>-<to>.eml` when mails to one recipient share a millisecond. */
  private async writeNew(base: string, message: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const name = attempt === 0 ? base : base.replace(/Z-/, `Z-${attempt}-`);
      const path = join(this.dir, `${name}.eml`);
      try {
        await writeFile(path, message, { mode: 0o600, flag: 'wx' });
        return path;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
      }
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
