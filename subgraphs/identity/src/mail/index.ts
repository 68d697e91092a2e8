/**
 * The Mailer port: how identity sends mail (password-reset links). SMTP when `SMTP_URL` is set;
 * otherwise the embedded default writes each mail as an .eml file under `<DATA_DIR>/mail/` and
 * logs its path, so someone running `npm start` can open the link without a mail server.
 */
import { join } from 'node:path';
import type { Logger } from '@learncraft/kit';
import { FileMailer } from './file';
import { SmtpMailer } from './smtp';

export { FileMailer } from './file';
export { SmtpMailer } from './smtp';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends (or stores) one mail; rejects when it could not. */
  send(mail: Mail): Promise<void>;
  close(): Promise<void>;
}

export function createMailer(options: {
  smtpUrl: string | undefined;
  from: string;
  dataDir: string;
  logger: Logger;
}): Mailer {
  return options.smtpUrl
    ? new SmtpMailer(options.smtpUrl, options.from)
    : new FileMailer(join(options.dataDir, 'mail'), options.from, options.logger);
}
